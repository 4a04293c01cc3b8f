"""Spreadsheet cells that must not run: text a spreadsheet would read as a formula.

escape_formula("=HYPERLINK(...)")   # "'=HYPERLINK(...)"
escape_formula(-5)                  # -5 (numbers are not text)
"""

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Text that would run as a formula, made plain text; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

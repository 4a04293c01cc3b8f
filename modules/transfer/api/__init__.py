"""The import and export REST API (`views.py`)."""

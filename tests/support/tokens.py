"""A token secret for a test client: `Authorization: Token <secret_for(user)>`."""

from modules.accounts import scopes
from modules.accounts.tokens import TokenService


def secret_for(user, scopes_given=None, **options) -> str:
    """A new token of `user` (every scope unless named) and its secret."""
    given = scopes_given or (scopes.FULL if user.is_administrator else [scopes.READ, scopes.WRITE])
    return TokenService().create(user, name="test", scopes=given, **options)[1]

"""Hands the accounts' API routes to the API's route registry (`AccountsConfig.ready()`)."""

from django.urls import path

from modules.accounts.api import auth, tokens, users, views
from modules.api import routes


def register() -> None:
    """Serve the token, user, team, invitation, seat and settings routes under /api/v1/."""
    routes.register([path("auth/token/", auth.TokenView.as_view(), name="api-token")])
    routes.register(tokens.urlpatterns)
    routes.register(views.urlpatterns)
    routes.register(users.urlpatterns)

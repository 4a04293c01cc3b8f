"""The only writer of users, teams and memberships; the API and the admin screens call it.

    service = AccountService()
    sales = service.create_team(admin, name="Sales", members=[{"user": 7, "role": "manager"}])
    service.update_team(admin, north.pk, parent=sales.pk)    # TeamCycle if sales is under north
    service.delete_team(admin, sales.pk)                     # TeamHasChildren, TeamInUse
    service.create_user(admin, username="ada", password=None, teams=[{"team": 3, "role": "user"}])
    service.create_user(admin, username="bo@example.com", email="bo@example.com",
                        temporary_password=True)   # e-mailed; changed at first sign-in

Every method takes the acting user first (`None` is the system) and requires an
administrator. Each write is one transaction; a refusal changes nothing. Changes to
the team tree lock every team row first, so two concurrent re-parentings cannot
together make a cycle that each alone would not. An active user takes a paid seat:
creating one, or turning `is_active` on, is refused when none is free.
"""

from modules.accounts.models import revoke_tokens
from modules.accounts.services.support import NAME_LENGTH, _valid_id, administrators_exist
from modules.accounts.services.teams import TeamChanges
from modules.accounts.services.tree import descendant_ids, team_tree, team_usage
from modules.accounts.services.users import UserChanges

__all__ = [
    "NAME_LENGTH",
    "AccountService",
    "_valid_id",
    "administrators_exist",
    "descendant_ids",
    "revoke_tokens",
    "team_tree",
    "team_usage",
]


class AccountService(TeamChanges, UserChanges):
    """Creates and changes users, teams and memberships for administrators."""

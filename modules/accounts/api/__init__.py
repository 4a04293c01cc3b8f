"""The accounts' REST API: users and teams, the user life cycle, seats, sign-in tokens."""

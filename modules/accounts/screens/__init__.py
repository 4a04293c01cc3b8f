"""Settings screens of accounts: the team tree (Settings > Teams), for administrators."""

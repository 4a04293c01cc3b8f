"""Settings > Access: the access settings screens of each entity type."""

"""The access settings' REST API: visibility, permissions and participants of a type."""

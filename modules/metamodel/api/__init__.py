"""The metadata REST API (`/api/v1/meta/`): entity types, fields, layouts, field types."""

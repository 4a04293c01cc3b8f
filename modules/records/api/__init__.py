"""The records' REST API: one generic viewset for every entity type, and the hand-over."""

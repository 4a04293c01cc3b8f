"""The change log's REST API: `/api/v1/history/` and a record's `history/`."""

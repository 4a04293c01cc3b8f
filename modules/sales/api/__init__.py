"""The sales API: pipelines and lost reasons under /api/v1/meta/, a record's process and
the board and forecast of every entity type with processes."""

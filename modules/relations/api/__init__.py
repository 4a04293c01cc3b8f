"""The relations' REST API: relation types, the setting, and the relations of a record."""

"""Admin settings screens of the data model: entity types and the no-code form builder.

Registered by `modules/metamodel/wagtail_hooks.py`; every change goes through SchemaService.
"""

"""Signals other modules use to follow fields they depend on, sent by SchemaService.

    @receiver(field_trashing)
    def refuse_used_field(sender, field, confirmed, **kwargs):
        if uses(field) and not confirmed:
            raise FieldInUse(...)

All are sent inside the schema change's transaction: a receiver that raises a
`TesseraError` refuses the change and nothing of it is written; work a receiver
does on the database is part of the same change. Side effects go through
`transaction.on_commit`.
"""

from django.dispatch import Signal

#: Before a field goes to the trash: `field`, `confirmed` (the caller accepted the warning).
field_trashing = Signal()
#: After a field went to the trash or came back from it: `field`.
field_state_changed = Signal()
#: After a type change made `new` out of `old` (now trashed): `old`, `new`.
field_replaced = Signal()

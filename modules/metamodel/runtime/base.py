"""The abstract base of every runtime model: the system columns all entity tables share.

    Person = get_model("persons")          # a subclass built by the runtime
    Person.entity                           # the EntitySpec it was built from
    Person.objects.alive().visible_to(user) # the queryset of runtime/queryset.py

Runtime classes live in their own `Apps` registry, so Django's default pickling
(which looks classes up in the global registry) is replaced by `__reduce__`.
"""

from collections.abc import Callable
from typing import Any, ClassVar

import django
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.db.utils import DJANGO_VERSION_PICKLE_KEY
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.metamodel.runtime.queryset import RecordQuerySet

VISIBILITY_PUBLIC = "public"


#: How unpickling finds a record's class: the snapshot registry's lookup, which
#: `snapshot.py` registers (it builds the classes, so this module cannot import it).
_class_finders: list[Callable[[int, tuple], type]] = []


def register_class_finder(finder: Callable[[int, tuple], type]) -> None:
    """Have unpickling find a record's class with `finder(entity id, schema key)`."""
    _class_finders[:] = [finder]


def _unpickle_record(entity_id: int, schema_key: tuple) -> "EntityRecord":
    model = _class_finders[0](entity_id, schema_key)
    return model.__new__(model)


class EntityRecord(models.Model):
    """System columns (DESIGN §4); custom fields are added per entity type."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_default=Now())
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, default=VISIBILITY_PUBLIC, db_default=VISIBILITY_PUBLIC
    )
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    #: Set on each built class: the EntitySpec and the snapshot key it belongs to.
    entity: ClassVar[Any] = None
    schema_key: ClassVar[tuple] = ()

    class Meta:
        abstract = True

    def __reduce__(self):
        data = self.__getstate__()
        data[DJANGO_VERSION_PICKLE_KEY] = django.__version__
        return _unpickle_record, (self.entity.id, self.schema_key), data

    def __str__(self) -> str:
        if not self.entity:
            return f"#{self.pk}"
        # `access_open` is set by the access engine on rows the user may only list.
        return self.entity.title_of(self, basic_only=not getattr(self, "access_open", True))

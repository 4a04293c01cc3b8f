"""Static tables of the records module: numbering counters.

NumberSequence(field=deal_number, period="2026", last_value=17)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.metamodel.models import FieldDefinition


class NumberSequence(models.Model):
    """The last number given by an auto-number field in one period ("" or a year).

    It only goes up, so a deleted record's number is never given again.
    """

    field = models.ForeignKey(FieldDefinition, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8, blank=True, default="")
    last_value = models.BigIntegerField()

    class Meta:
        verbose_name = _("number sequence")
        constraints = [
            models.UniqueConstraint(fields=["field", "period"], name="uniq_number_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.field} {self.period}: {self.last_value}"

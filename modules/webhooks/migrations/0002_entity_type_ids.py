"""A subscription's entity types as a list of ids: a write learns who listens in one query."""

from django.db import migrations, models


def copy_ids(apps, schema_editor):
    Subscription = apps.get_model("webhooks", "Subscription")
    for subscription in Subscription.objects.all():
        subscription.entity_type_ids = sorted(
            subscription.entity_types.values_list("pk", flat=True)
        )
        subscription.save(update_fields=["entity_type_ids"])


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_subscriptions")]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="entity_type_ids",
            field=models.JSONField(default=list, verbose_name="entity types"),
        ),
        migrations.RunPython(copy_ids, migrations.RunPython.noop),
        migrations.RemoveField(model_name="subscription", name="entity_types"),
    ]

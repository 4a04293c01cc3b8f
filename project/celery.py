"""The Celery application: `celery -A project worker` runs Tessera's tasks.

Tasks bind the current schema snapshot before they run (see
`modules.metamodel.runtime.celery`), so a worker sees schema changes on its
next task without a restart.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("tessera")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""The project's WSGI application, naming the serving process in `X-Soak-Worker`.

    gunicorn tests.soak.wsgi:application --workers 4

The soak needs to know which gunicorn worker answered, to show that every one of
them sees every schema change; nothing else differs from `project.wsgi`.
"""

import os

from project.wsgi import application as project_application
from tests.soak import WORKER_HEADER


def application(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, (WORKER_HEADER, str(os.getpid()))], exc_info)

    return project_application(environ, start)

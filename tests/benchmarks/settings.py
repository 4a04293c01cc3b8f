"""Settings of a benchmark run: the project's, with DEBUG off and the test client's host.

    DJANGO_SETTINGS_MODULE=tests.benchmarks.settings python -m tests.benchmarks.run

DEBUG stays off: with DEBUG on Django records every query, which slows both sides.
"""

from project.settings import *  # noqa: F403
from project.settings import ALLOWED_HOSTS

DEBUG = False
# The test client talks to "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

"""`make soak`: bounded load and fault tests on real gunicorn, Celery, PostgreSQL and Redis.

python -m tests.soak.run          # what `make soak` runs; see docs/testing.md
"""

#: The response header naming the gunicorn worker (pid) that answered (`tests.soak.wsgi`).
WORKER_HEADER = "X-Soak-Worker"

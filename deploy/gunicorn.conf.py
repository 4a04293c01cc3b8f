"""gunicorn settings for the web processes: `gunicorn -c deploy/gunicorn.conf.py project.wsgi`.

Each value can be overridden from the environment (`GUNICORN_CMD_ARGS`, or the variables
read below). Access logs go to stdout, one line per request, with the request id the
application sent back (`X-Request-ID`), so an access line and the application's log lines
of one request can be joined.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
# Within the 30 s a schema change may wait for its table locks (docs/deployment.md).
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding slow memory growth.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The load balancer's address: X-Forwarded-Proto from it is trusted (TLS ends there).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s referer="%(f)s" agent="%(a)s"'
)

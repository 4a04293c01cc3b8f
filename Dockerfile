# Tessera's image: gunicorn web processes, Celery workers and beat all run from it.
#   docker build -t tessera .
#   docker compose up      (compose.yaml: PostgreSQL, Redis, two web processes, worker, beat)
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN python -m venv /venv && /venv/bin/pip install --upgrade pip && /venv/bin/pip install .
COPY . .
RUN SECRET_KEY=build-only /venv/bin/python manage.py compilemessages --ignore=.venv \
    && SECRET_KEY=build-only STATIC_ROOT=/app/static /venv/bin/python manage.py collectstatic --noinput

FROM python:3.11-slim-bookworm
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    STATIC_ROOT=/app/static MEDIA_ROOT=/data/media
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tessera \
    && mkdir -p /data/media && chown tessera /data/media
COPY --from=build /venv /venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
USER tessera
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c \
    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "project.wsgi"]

# Körpü's image: one image for the web (gunicorn), the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

# gettext compiles the translations; xmlsec1 checks SAML signatures (psycopg ships its own libpq).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (whitenoise serves them) and translations compiled. The values
# below only let the production settings load for these two commands; they are not kept in the image.
RUN DJANGO_SECRET_KEY=image-build-only-not-a-secret-0123456789abcdefghijklmnop \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    sh -c "python manage.py collectstatic --noinput && python manage.py compilemessages"

RUN useradd --system --uid 1000 --home-dir /app korpu \
    && mkdir -p /app/var/media \
    && chown -R korpu /app/var
USER korpu

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

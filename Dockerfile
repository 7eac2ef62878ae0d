# The production shape: the app under gunicorn, static files served by WhiteNoise.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# A throwaway key: production settings refuse a weak one, and this one signs nothing.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
    python manage.py collectstatic --no-input
# var/backups exists in the image so the `backups` volume starts owned by the app's user.
RUN useradd --system --uid 10001 clinic && mkdir -p /app/var/backups \
    && chown -R clinic /app/var && chmod 700 /app/var/backups
USER clinic
EXPOSE 8000
CMD ["scripts/docker-start"]

# Rapport's server image: the built PWA plus the Python service (API, worker and CLI).
# Build: docker build -t rapport .   (docker-compose.yml does this for you)
# `rapport serve --workers 2` runs two API processes under gunicorn (cli/server.py).

FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    RAPPORT_FRONTEND_DIST=/app/frontend/dist
WORKDIR /app
RUN useradd --create-home --uid 10001 rapport
COPY pyproject.toml README.md alembic.ini ./
COPY api/ api/
COPY schemas/ schemas/
COPY services/ services/
COPY cli/ cli/
COPY alembic/ alembic/
RUN pip install .
COPY --from=frontend /src/frontend/dist/ frontend/dist/
USER rapport
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["rapport", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers"]

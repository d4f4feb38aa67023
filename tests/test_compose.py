"""No Docker engine here: check that docker-compose.yml parses and says the right things."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_database_api_workers_and_https_proxy() -> None:
    services = _compose()["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["proxy"]["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    api = services["api"]
    assert api["command"][:2] == ["rapport", "serve"]
    assert int(api["command"][api["command"].index("--workers") + 1]) >= 2
    assert "--proxy-headers" in api["command"]
    assert api["environment"]["RAPPORT_RUN_WORKER_IN_PROCESS"] == "false"
    worker = services["worker"]
    assert worker["command"] == ["rapport", "worker"]
    assert worker["deploy"]["replicas"] >= 2
    assert services["migrate"]["command"] == ["rapport", "db", "upgrade"]
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_runs_in_production_on_postgres_with_required_secrets() -> None:
    services = _compose()["services"]
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["RAPPORT_ENVIRONMENT"] == "production"
        assert env["RAPPORT_DATABASE_URL"].startswith("postgresql+asyncpg://rapport:")
        assert "@db:5432/rapport" in env["RAPPORT_DATABASE_URL"]
        assert env["RAPPORT_BASE_URL"].startswith("https://")
        # Required variables fail loudly when missing instead of running with a blank secret.
        assert ":?" in env["RAPPORT_SECRET_KEY"]
        assert ":?" in env["RAPPORT_SMTP_HOST"]


def test_every_env_setting_in_compose_is_a_real_setting() -> None:
    from services.settings import Settings

    known = {f"RAPPORT_{name.upper()}" for name in Settings.model_fields}
    for service in _compose()["services"].values():
        for key in service.get("environment", {}):
            if key.startswith("RAPPORT_") and key != "RAPPORT_DOMAIN":
                assert key in known, f"{key} is not a setting"


def test_images_are_built_from_the_dockerfile() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM node:20" in dockerfile and "npm run build" in dockerfile
    assert "FROM python:3.11" in dockerfile and "pip install ." in dockerfile
    for name in ("api", "worker", "migrate"):
        assert _compose()["services"][name]["build"] == "."
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "{$RAPPORT_DOMAIN}" in caddyfile and "reverse_proxy api:8000" in caddyfile


def test_the_proxy_tells_browsers_to_use_https_only() -> None:
    caddyfile = (ROOT / "Caddyfile").read_text()
    hsts = next(line for line in caddyfile.splitlines() if "Strict-Transport-Security" in line)
    assert hsts.split()[0] == "header"
    assert "max-age=31536000" in hsts

"""`make run` as a new user runs it: migrate, seed, build, serve; then the app answers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def make_run(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(
        {
            "RAPPORT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'rapport.db'}",
            "RAPPORT_BASE_URL": f"http://127.0.0.1:{port}",
            "PORT": str(port),
        }
    )
    log = (tmp_path / "make-run.log").open("w+")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"make run exited with {process.returncode}:\n{log.read()[-3000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("make run did not serve /healthz within 240 s")
        log.seek(0)
        yield base, log.read()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_make_run_serves_the_app_shell_manifest_and_service_worker(make_run) -> None:
    base, output = make_run
    assert "Demo event" in output and "/signin/verify#token=" in output
    with httpx.Client(base_url=base, timeout=5) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready"}
        page = client.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert '<link rel="manifest"' in page.text
        manifest = client.get("/manifest.webmanifest")
        assert manifest.status_code == 200
        assert json.loads(manifest.text)["display"] == "standalone"
        worker = client.get("/sw.js")
        assert worker.status_code == 200
        assert "javascript" in worker.headers["content-type"]

"""Lighthouse on the PWA, mobile preset: performance, accessibility, best practices, the JS
transferred on first load, and the PWA basics (manifest, service worker, offline navigation).

    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py [--runs 1]

Starts the app as a new user would (a fresh SQLite file, `rapport db upgrade`, `rapport demo`,
`rapport serve` on a free port, serving frontend/dist, which must be built), then runs the
`lighthouse` npm package (from bench/node: `npm --prefix bench/node ci`; Debian Chromium, never a
downloaded browser)
with its default mobile preset (simulated slow 4G, 4x CPU slowdown, Moto G-sized screen) on two
first loads with an empty cache: the sign-in page (anonymous) and "My events" signed in (the
session cookie sent as a header). Lighthouse 12 dropped its PWA category, so the PWA checks are
made here: the manifest's install fields, /sw.js, and in headless Chromium (Playwright) that the
worker takes control and an offline navigation still gets the app. Targets: performance >= 90,
accessibility >= 95, best practices >= 95, JS on first load <= 150 KB gzipped. The last line
printed is one JSON object with the figures (the median run per page when --runs > 1).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
TOOLS = Path(__file__).resolve().parent / "node"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-default-apps"
)
DEMO_LINK = re.compile(r"^\s+(\w+)\s+(https?://\S+/signin/verify#token=\S+)\s*$", re.MULTILINE)
CATEGORIES = ("performance", "accessibility", "best-practices")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_app(workdir: Path) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    """A fresh database with the demo event and `rapport serve`; the demo's sign-in links."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # Its own copy of the build, so a rebuild during the run cannot change what is measured.
    dist = workdir / "dist"
    shutil.copytree(FRONTEND / "dist", dist)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env.update(
        RAPPORT_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'rapport.db'}",
        RAPPORT_BASE_URL=base,
        RAPPORT_ENVIRONMENT="development",
        RAPPORT_FRONTEND_DIST=str(dist),
        PYTHONPATH=str(ROOT),
    )
    run = [sys.executable, "-m", "cli.main"]
    subprocess.run([*run, "db", "upgrade"], env=env, cwd=workdir, check=True, capture_output=True)
    demo = subprocess.run(
        [*run, "demo"], env=env, cwd=workdir, check=True, capture_output=True, text=True
    )
    links = dict(DEMO_LINK.findall(demo.stdout))
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(
        [*run, "serve", "--port", str(port)], env=env, cwd=workdir, stdout=log, stderr=log
    )
    for _ in range(150):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base, links
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("rapport serve did not start")


def _session_cookie(base: str, link: str) -> str:
    """Use a demo sign-in link through the API; the Cookie header of that session."""
    with httpx.Client(base_url=base) as client:
        answer = client.post("/api/v1/auth/verify", json={"token": link.split("#token=", 1)[1]})
        answer.raise_for_status()
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def _lighthouse(url: str, out: Path, cookie: str | None) -> dict[str, object]:
    """One Lighthouse run (mobile preset) and the figures taken from its report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
    report = json.loads(out.read_text())
    requests = report["audits"]["network-requests"]["details"]["items"]
    scripts = [r for r in requests if r.get("resourceType") == "Script"]
    failed = [
        a["title"]
        for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
    ]
    return {
        **{name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES},
        # As sent (the app does not compress itself; a proxy in front usually does) and gzipped.
        "js_first_load_kb": round(sum(r.get("transferSize", 0) for r in scripts) / 1024, 1),
        "js_first_load_gzip_kb": round(
            sum(len(gzip.compress(httpx.get(r["url"]).content, 9)) for r in scripts) / 1024, 1
        ),
        "js_files": len(scripts),
        "fcp_ms": round(report["audits"]["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(report["audits"]["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(report["audits"]["total-blocking-time"]["numericValue"]),
        "cls": round(report["audits"]["cumulative-layout-shift"]["numericValue"], 3),
        "failed_audits": failed,
        "console_errors": [
            f"{item.get('source', '')}: {item.get('description', '')} {item.get('url', '')}".strip()
            for item in report["audits"]["errors-in-console"]["details"].get("items", [])
        ],
    }


def _pwa_checks(base: str) -> dict[str, bool]:
    """Manifest install fields, /sw.js, and the worker serving an offline navigation."""
    manifest = httpx.get(f"{base}/manifest.webmanifest").json()
    sizes = {icon.get("sizes") for icon in manifest.get("icons", [])}
    sw = httpx.get(f"{base}/sw.js")
    checks = {
        "manifest_installable": bool(manifest.get("name") or manifest.get("short_name"))
        and bool(manifest.get("start_url"))
        and manifest.get("display") in {"standalone", "fullscreen", "minimal-ui"}
        and {"192x192", "512x512"} <= sizes,
        "service_worker_served": sw.status_code == 200
        and "javascript" in sw.headers["content-type"],
    }
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROME, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/signin")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
        checks["service_worker_controls_page"] = True
        context.set_offline(True)
        page.goto(f"{base}/contacts")
        checks["offline_navigation_gets_app"] = page.locator("#app header").count() == 1
        browser.close()
    return checks


def main() -> None:
    """Start the app, run Lighthouse on two pages, check the PWA basics, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("first: npm --prefix bench/node ci (installs lighthouse)")
    if not (FRONTEND / "dist" / "index.html").exists():
        raise SystemExit("npm --prefix frontend run build first")
    workdir = Path(tempfile.mkdtemp(prefix="rapport-lh-"))
    server, base, links = _start_app(workdir)
    try:
        cookie = _session_cookie(base, links["attendee"])
        pages = {"signin": (f"{base}/signin", None), "my_events": (f"{base}/", cookie)}
        figures: dict[str, object] = {}
        for name, (url, page_cookie) in pages.items():
            runs = [
                _lighthouse(url, workdir / f"{name}-{i}.json", page_cookie)
                for i in range(args.runs)
            ]
            median = statistics.median_low(r["performance"] for r in runs)  # type: ignore[type-var]
            chosen = next(r for r in runs if r["performance"] == median)
            print(name, json.dumps(chosen), flush=True)
            figures[name] = chosen
        figures["pwa"] = _pwa_checks(base)
        figures["lighthouse"] = json.loads(
            (TOOLS / "node_modules" / "lighthouse" / "package.json").read_text()
        )["version"]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

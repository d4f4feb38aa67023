"""Serving the built PWA from frontend/dist: hashed assets, the service worker, the manifest,
and index.html for every app route (the PWA routes on the client)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>Rapport</title>"
    "<h1>The app is not built yet</h1><p>Run <code>make run</code> (or "
    "<code>npm --prefix frontend ci && npm --prefix frontend run build</code>) and reload.</p>"
)
RESERVED = ("api/", "dev/", "assets/")
ROOT_FILES = {
    "sw.js": ("application/javascript", "no-cache"),
    "manifest.webmanifest": ("application/manifest+json", "no-cache"),
    "favicon.svg": ("image/svg+xml", "public, max-age=86400"),
    "robots.txt": ("text/plain", "public, max-age=86400"),
}


def mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the PWA; without a build, app routes explain how to build it."""
    router = APIRouter(include_in_schema=False)
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    icons = dist / "icons"
    if icons.is_dir():
        app.mount("/icons", StaticFiles(directory=icons), name="icons")

    def _root_file(name: str) -> FileResponse:
        media_type, cache = ROOT_FILES[name]
        path = dist / name
        if not path.is_file():
            raise HTTPException(404, f"{name} is not built")
        headers = {"Cache-Control": cache}
        if name == "sw.js":
            headers["Service-Worker-Allowed"] = "/"
        return FileResponse(path, media_type=media_type, headers=headers)

    for name in ROOT_FILES:
        router.add_api_route(
            f"/{name}", lambda name=name: _root_file(name), methods=["GET"], response_model=None
        )

    @router.get("/{path:path}", response_model=None)
    async def app_shell(path: str) -> FileResponse | HTMLResponse:
        if path.startswith(RESERVED) or path in ("healthz", "readyz"):
            raise HTTPException(404, "Not found")
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})

    app.include_router(router)

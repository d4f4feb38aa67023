"""Liveness and readiness probes for the operator and the reverse proxy."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import DbSession

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz", summary="The database answers", responses={503: {"description": "Not ready"}}
)
async def readyz(db: DbSession) -> JSONResponse:
    try:
        await db.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse(
            {
                "error": "database_unavailable",
                "detail": f"The database does not answer: {type(exc).__name__}",
                "fields": [],
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready"})

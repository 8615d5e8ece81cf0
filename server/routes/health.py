from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from server.config_warnings import config_warnings
from server.deps import ServicesDep
from server.responses.health_out import Alive, NotReady, Ready

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Alive)
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get(
    "/health/ready",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "The database does not answer"}},
)
async def ready(services: ServicesDep) -> JSONResponse:
    """Readiness: the database answers and the schema is in place."""
    try:
        async with services.pool.connection(timeout=5) as conn:
            cur = await conn.execute("SELECT count(*) AS n FROM schema_migrations")
            migrations = (await cur.fetchone())["n"]
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "database": str(exc)[:200]}, status_code=503)
    return JSONResponse(
        {
            "status": "ready",
            "migrations": migrations,
            "transports": services.transports,
            "warnings": config_warnings(services.settings),
        }
    )

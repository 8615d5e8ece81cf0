"""The FastAPI application: lifespan wiring, error handling and routes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

import psycopg
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.auth import ADMIN_KEY_FILE, bootstrap_admin_key
from server.body_limit import BodySizeLimit
from server.config_warnings import config_warnings
from server.errors import (
    InternalErrors,
    database_unavailable,
    http_error,
    unstorable_data,
    validation_error,
)
from server.inbox_pages import STATIC_DIR, InboxPageError, SignInNeeded, page_error, sign_in_needed
from server.routes import (
    agents,
    approvals,
    checks,
    consumers,
    creators,
    events,
    health,
    inbox_activity,
    inbox_drafts,
    inbox_profiles,
    inbox_settings,
    inbox_sign_in,
    keys,
    messages,
    notifications,
    onboarding,
    ses_webhooks,
    sign_in_links,
    threads,
    twilio_webhooks,
    unsubscribe,
)
from server.services import Services, open_services
from server.settings import Settings

log = logging.getLogger("creator_agents")
# How long a stopping service lets the worker finish its running jobs (each provider call
# has its own, shorter timeout) before cancelling them.
WORKER_STOP_GRACE_S = 30.0


def startup_banner(services: Services) -> str:
    s = services.settings
    model = (
        f"{s.openai_model} at {s.openai_base_url or 'OpenAI'}"
        if s.llm_configured
        else ("none (template drafter; set OPENAI_API_KEY to draft with a model)")
    )
    transports = ", ".join(
        f"{channel}: {name}" + (" (messages are recorded, not sent)" if name == "outbox" else "")
        for channel, name in services.transports.items()
    )
    base = f"http://{s.host}:{s.port}"
    marketplace = s.creator_api_base_url or "none (onboard with inline marketplace_data)"
    return (
        f"Creator Agents API on {base}  (docs: {base}/docs)\n"
        f"  database:   {services.database}\n"
        f"  model:      {model}\n"
        f"  transports: {transports}\n"
        f"  marketplace: {marketplace}\n"
        f"  worker:     {'in this process' if s.run_worker else 'separate (RUN_WORKER=false)'}"
    )


async def _bootstrap_admin_key(services: Services) -> None:
    settings = services.settings
    configured = settings.admin_api_key.get_secret_value() if settings.admin_api_key else None
    async with services.pool.connection() as conn:
        created = await bootstrap_admin_key(conn, configured, settings.data_dir)
    if created is not None:
        # Shown once: only its hash is kept. DATA_DIR keeps a copy for this machine's user.
        log.warning(
            "Created the admin API key (shown once; also in %s):\n  %s",
            (settings.data_dir / ADMIN_KEY_FILE).resolve(),
            created,
        )


def create_app(settings: Settings) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await open_services(settings)
        app.state.services = services
        log.info("%s", startup_banner(services))
        for warning in config_warnings(settings):
            log.warning("Settings: %s", warning)
        await _bootstrap_admin_key(services)
        # What start-up built (graphs, routes, the pool) lives as long as the process: kept
        # out of the garbage collector's full passes, which would otherwise walk all of it
        # again each time, on the loop.
        gc.freeze()
        worker = None
        if settings.run_worker:
            worker = asyncio.create_task(
                services.jobs.run_worker(
                    settings.worker_concurrency, settings.worker_stalled_after_s
                )
            )
        try:
            yield
        finally:
            if worker is not None:
                await services.jobs.shut_down_worker(worker, WORKER_STOP_GRACE_S)
            await services.close()
            gc.unfreeze()  # an app started again in this process (tests) frees the old one

    app = FastAPI(
        title="Creator Agents",
        description="AI sales agents for marketplace creators. Every message waits for the "
        "creator's approval before it goes out.",
        version="0.1.0",
        lifespan=lifespan,
    )

    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(psycopg.DataError, unstorable_data)
    app.add_exception_handler(psycopg.OperationalError, database_unavailable)
    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(InboxPageError, page_error)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(InternalErrors)  # outermost: it sees whatever the rest raised

    for module in (
        health,
        keys,
        onboarding,
        creators,
        notifications,
        checks,
        agents,
        consumers,
        events,
        approvals,
        messages,
        threads,
        sign_in_links,
        inbox_sign_in,
        inbox_drafts,
        inbox_activity,
        inbox_profiles,
        inbox_settings,
        unsubscribe,
        ses_webhooks,
        twilio_webhooks,
    ):
        app.include_router(module.router)
    # The inbox's CSS and JavaScript, served by the app itself (no CDN, no Node).
    app.mount("/inbox/static", StaticFiles(directory=STATIC_DIR), name="inbox-static")
    return app

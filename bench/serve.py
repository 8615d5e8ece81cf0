"""The service as `make run` runs it (the API with its worker, uvicorn), or as
docker-compose runs it (the API here, workers apart: `bench.serve_worker`), plus the
bench's round-trip counters and one extra route, `GET /__bench/counters`, that reports them.

`python -m bench.serve DATABASE_URL PORT DATA_DIR ADMIN_KEY RUN_WORKER [TWILIO_URL]`: no
model, no SES, and no Twilio (messages would go to the outbox) unless TWILIO_URL names a
Twilio stand-in; the service's default settings otherwise.
Access logs are off so the figures are the service's work, not its terminal's.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

COUNTERS_PATH = "/__bench/counters"


def with_counters_route(app: Any) -> Any:
    from bench import db_counters

    async def bench_app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == COUNTERS_PATH:
            counts = db_counters.snapshot()
            body = json.dumps(
                {"round_trips": counts.round_trips, "statements": counts.statements}
            ).encode()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return bench_app


# Credentials the Twilio stand-in takes (any account works there).
TWILIO_CREDENTIALS = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "bench-token",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
}


def bench_settings(database_url: str, twilio_url: str | None = None, **overrides: Any) -> Any:
    """The service's default settings without credentials (no model, outbox transports),
    or with WhatsApp through the Twilio stand-in at `twilio_url`."""
    from server.settings import Settings

    twilio = (
        {**TWILIO_CREDENTIALS, "twilio_api_base_url": twilio_url}
        if twilio_url
        else dict.fromkeys(TWILIO_CREDENTIALS)
    )
    return Settings(
        _env_file=None,
        database_url=database_url,
        log_level="warning",
        openai_api_key=None,
        ses_from_email=None,
        # Each new lead's first message goes out as the opener template (outside the 24 h
        # window); the bench runs at any hour, on more leads than a day's default cap.
        twilio_whatsapp_template_sid="HX" + "0" * 32 if twilio_url else None,
        default_quiet_hours="off",
        default_max_per_creator_per_day=1_000_000,
        **twilio,
        **overrides,
    )


def main(
    database_url: str,
    port: str,
    data_dir: str,
    admin_key: str,
    run_worker: str,
    twilio_url: str | None = None,
) -> None:
    os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")  # as `python -m server` does
    import uvicorn

    from bench import db_counters
    from server.app import create_app

    db_counters.install()
    settings = bench_settings(
        database_url,
        twilio_url,
        port=int(port),
        data_dir=data_dir,
        admin_api_key=admin_key,
        run_worker=run_worker == "true",
    )
    app = with_counters_route(create_app(settings))
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", access_log=False)


if __name__ == "__main__":
    main(*sys.argv[1:7])

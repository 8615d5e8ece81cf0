"""A job worker apart from the API, as `make worker` runs it, with the bench's round-trip
counters written to a file every COUNTERS_EVERY_S (the bench reads them from there).

`python -m bench.serve_worker DATABASE_URL COUNTERS_FILE [TWILIO_URL]`; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import sys
from pathlib import Path

COUNTERS_EVERY_S = 0.1


async def _write_counters(path: Path) -> None:
    from bench import db_counters

    while True:
        counts = db_counters.snapshot()
        path.with_suffix(".tmp").write_text(
            json.dumps({"round_trips": counts.round_trips, "statements": counts.statements})
        )
        path.with_suffix(".tmp").replace(path)
        await asyncio.sleep(COUNTERS_EVERY_S)


async def run(database_url: str, counters_file: str, twilio_url: str | None = None) -> None:
    from bench import db_counters
    from bench.serve import bench_settings
    from server.services import open_services

    db_counters.install()
    settings = bench_settings(database_url, twilio_url)
    services = await open_services(settings)
    gc.freeze()  # as server.worker does
    worker = asyncio.create_task(
        services.jobs.run_worker(settings.worker_concurrency, settings.worker_stalled_after_s)
    )
    writer = asyncio.create_task(_write_counters(Path(counters_file)))
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, services.jobs.stop_worker)
    try:
        await worker
    finally:
        writer.cancel()
        await services.close()


if __name__ == "__main__":
    os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")
    from server import event_loop

    event_loop.run(run(*sys.argv[1:4]))

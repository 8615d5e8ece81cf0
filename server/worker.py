"""`python -m server.worker`: a job worker without the API, for running more of them.

Point it at the same DATABASE_URL as the API (set RUN_WORKER=false on the API if every
job should run here). Workers on any number of machines share the queue safely.
`python -m server.worker --check` exits 0 while this machine's worker is healthy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys

from server import event_loop


async def run() -> None:
    from server.services import open_services
    from server.settings import load_settings
    from server.worker_health import publish_worker_id

    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    services = await open_services(settings)
    gc.freeze()  # as the API does (server.app): start-up's objects stay out of full GC passes
    logging.getLogger("creator_agents").info(
        "worker started: %s, transports %s", services.database, services.transports
    )
    task = asyncio.create_task(
        services.jobs.run_worker(settings.worker_concurrency, settings.worker_stalled_after_s)
    )
    publisher = asyncio.create_task(publish_worker_id(services.jobs, settings.worker_id_file))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, services.jobs.stop_worker)
    try:
        await task  # returns once a signal stopped the worker and its jobs finished
    finally:
        publisher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await publisher
        await services.close()


def check() -> int:
    from server.settings import load_settings
    from server.worker_health import problem

    if found := problem(load_settings()):
        print(f"unhealthy: {found}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server.worker", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 0 if this machine's worker is healthy"
    )
    if parser.parse_args().check:
        sys.exit(check())
    os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")
    event_loop.run(run())


if __name__ == "__main__":
    main()

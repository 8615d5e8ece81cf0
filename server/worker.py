"""`python -m server.worker`: a job worker without the API, for running more of them.

Point it at the same DATABASE_URL as the API (set RUN_WORKER=false on the API if every
job should run here). Workers on any number of machines share the queue safely.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal


async def run() -> None:
    from server.services import open_services
    from server.settings import load_settings

    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    services = await open_services(settings)
    logging.getLogger("creator_agents").info(
        "worker started: %s, transports %s", services.database, services.transports
    )
    task = asyncio.create_task(
        services.jobs.run_worker(settings.worker_concurrency, settings.worker_stalled_after_s)
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        pass
    finally:
        await services.close()


def main() -> None:
    os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")
    asyncio.run(run())


if __name__ == "__main__":
    main()

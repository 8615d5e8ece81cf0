"""`python -m server` (what `make run` runs): the API with a worker inside it."""

from __future__ import annotations

import logging
import os


def main() -> None:
    # Checkpoints never revive arbitrary Python types; set before LangGraph is imported.
    os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")
    import uvicorn

    from server.app import create_app
    from server.settings import load_settings

    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level
    )


if __name__ == "__main__":
    main()

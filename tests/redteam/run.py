"""Run the red-team corpus through the service and write docs/trust.md.

    .venv/bin/python -m tests.redteam.run            (or: make trust)

Starts an embedded Postgres (or uses TEST_DATABASE_URL), the service in-process with its
worker and the scripted model, sends every corpus item through it, and writes the rates.
`--results FILE` also writes every item's outcome as JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("LANGGRAPH_STRICT_MSGPACK", "true")

import psycopg  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

from tests.redteam.corpus import load_drafts, load_profiles  # noqa: E402
from tests.redteam.harness import dumps, redteam_service, run_corpus  # noqa: E402
from tests.redteam.report import render, targets  # noqa: E402
from tests.redteam.scenarios import injection_checks  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TRUST_DOC = ROOT / "docs" / "trust.md"


@asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    name = f"redteam_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(server_url, autocommit=True) as conn:
        await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(server_url, dbname=name)
    finally:
        async with await psycopg.AsyncConnection.connect(server_url, autocommit=True) as conn:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def run_all(
    database_url: str, progress=None
) -> tuple[list[dict[str, Any]], list[tuple[str, bool, str]]]:
    """Every corpus item's outcome, and the injection scenario's checks."""
    async with redteam_service(database_url) as (client, model):
        results = await run_corpus(client, model, load_drafts(), load_profiles(), progress)
        scenario = await injection_checks(client, model)
    return results, scenario


def _progress(result: dict[str, Any]) -> None:
    mark = "." if result["through"] == (result["label"] == "honest") else "x"
    print(mark, end="", flush=True, file=sys.stderr)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TRUST_DOC, help="report to write")
    parser.add_argument("--results", type=Path, help="also write each item's outcome here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="redteam-pg-") as pgdata:
        server_url = os.environ.get("TEST_DATABASE_URL")
        server = None
        if not server_url:
            import pgserver

            server = pgserver.get_server(pgdata, cleanup_mode="stop")
            server_url = server.get_uri()
        try:
            async with fresh_database(server_url) as database_url:
                results, scenario = await run_all(database_url, _progress)
        finally:
            if server is not None:
                server.cleanup()
    print(file=sys.stderr)

    today = datetime.date.today().isoformat()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(results, today, scenario))
    if args.results:
        args.results.write_text(dumps(results))
    failed = [t.name for t in targets(results) if not t.ok]
    failed += [name for name, ok, _ in scenario if not ok]
    print(f"wrote {args.out}: {len(results)} items, {len(failed)} targets failed", file=sys.stderr)
    for name in failed:
        print(f"  FAIL {name}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""The Postgres the bench runs on: the embedded one (or BENCH_DATABASE_URL), its databases,
and what it spends: CPU of its processes and bytes of checkpoints."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

CHECKPOINT_TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def postgres_server(database_url: str | None, folder: Path) -> Iterator[str]:
    """The server's URL: `database_url`, or an embedded server in `folder` for the run."""
    if database_url:
        yield database_url
        return
    import pgserver

    server = pgserver.get_server(folder / "pgdata", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def create_database(server_url: str, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_conninfo(server_url, dbname=name)


def drop_database(server_url: str, database_url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version(server_url: str) -> str:
    with psycopg.connect(server_url) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])


def postmaster_pid(server_url: str) -> int | None:
    """The server's main process, when it runs on this machine and we may read its folder."""
    try:
        with psycopg.connect(server_url) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        pid = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
        return pid if Path(f"/proc/{pid}").exists() else None
    except (psycopg.Error, OSError, ValueError, IndexError):
        return None  # another machine, or no right to see the data folder


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def process_cpu_s(pid: int, with_reaped_children: bool = False) -> float:
    """utime + stime of a process (and of its exited children it has waited for)."""
    fields = _stat_fields(pid)
    # utime, stime, cutime, cstime are fields 14-17 of /proc/<pid>/stat (1-based).
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def postgres_cpu_s(postmaster: int) -> float:
    """CPU seconds of the whole server so far: the postmaster, its live children (backends,
    checkpointer, WAL writer, autovacuum...) and its children that have exited."""
    total = process_cpu_s(postmaster, with_reaped_children=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = _stat_fields(int(entry.name))
            if int(fields[1]) == postmaster:  # the parent's pid is field 4
                total += process_cpu_s(int(entry.name))
    return total


def checkpoint_bytes(database_url: str) -> int:
    """Bytes the checkpointer's tables take on disk, indexes and TOAST included."""
    with psycopg.connect(database_url) as conn:
        sizes = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relname = ANY(%s)",
            (list(CHECKPOINT_TABLES),),
        ).fetchone()
    return int(sizes[0])


def live_checkpoint_bytes(database_url: str) -> int:
    """Bytes of the checkpointer's live rows (what retention keeps; a table's size on disk
    shrinks only after a VACUUM FULL)."""
    with psycopg.connect(database_url) as conn:
        sizes = [
            conn.execute(f"SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM {table} t").fetchone()
            for table in CHECKPOINT_TABLES
        ]
    return int(sum(size[0] for size in sizes))

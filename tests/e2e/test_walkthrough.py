"""The README walk-through, pasted into bash as a newcomer would, against `make run`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import httpx

from tests.e2e.processes import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


def walkthrough_script() -> str:
    readme = (ROOT / "README.md").read_text()
    block = re.search(
        r"<!-- walkthrough:start -->\s*```sh\n(.*?)```\s*<!-- walkthrough:end -->", readme, re.S
    )
    assert block, "README.md has no walk-through block"
    return block.group(1)


def test_the_readme_walkthrough_works_against_make_run(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "TWILIO_", "SES_", "DATABASE_URL", "CREATOR_API"))
    }
    env.update(PORT=str(port), DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="warning")
    service = subprocess.Popen(["make", "-s", "run"], cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(service, f"{base}/health/ready")
        walk = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", walkthrough_script()],
            cwd=ROOT,
            env={**env, "BASE": base},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert walk.returncode == 0, walk.stdout + walk.stderr
        lines = walk.stdout.strip().splitlines()
        assert "new_lead" in walk.stdout and "'act': True" in walk.stdout
        assert "Ajay" in lines[-1] and "https://marketplace.example/ajay_shenoy/" in lines[-1]
        messages = httpx.get(f"{base}/messages").json()["messages"]
        assert [m["status"] for m in messages] == ["recorded"]
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)

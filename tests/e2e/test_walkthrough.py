"""The README walk-through, pasted into bash as a newcomer would, against `make run`: twice on
the same data folder, and once with no worker to see a wait give up with a message."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.e2e.processes import free_port, service_env, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


def walkthrough_script() -> str:
    readme = (ROOT / "README.md").read_text()
    block = re.search(
        r"<!-- walkthrough:start -->\s*```sh\n(.*?)```\s*<!-- walkthrough:end -->", readme, re.S
    )
    assert block, "README.md has no walk-through block"
    return block.group(1)


@contextmanager
def make_run(env: dict[str, str]) -> Iterator[str]:
    """`make run` until the block ends; yields its base URL. Stopping it stops its Postgres."""
    port = free_port()
    service = subprocess.Popen(
        ["make", "-s", "run"], cwd=ROOT, env={**env, "PORT": str(port)}, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(service, f"{base}/health/ready")
        yield base
    finally:
        stop(service)
    postmaster = Path(env["DATA_DIR"]) / "postgres" / "postmaster.pid"
    assert not postmaster.exists(), "make run left its embedded Postgres running"


def walk(base: str, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough_script()],
        cwd=ROOT,
        env={**env, "BASE": base, **extra},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_walkthrough_works_twice_on_the_same_data_folder(tmp_path):
    env = service_env(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="warning")
    leads = []
    for paste in (1, 2):  # the second on a data folder that has the first one's data
        with make_run(env) as base:
            walked = walk(base, env)
            assert walked.returncode == 0, f"paste {paste}:\n{walked.stdout}{walked.stderr}"
            assert "Traceback" not in walked.stderr
            # The key the walk-through read: the one the first start wrote, still valid.
            admin = {"Authorization": f"Bearer {admin_key(env)}"}
            [lead] = set(re.findall(r"lead-[0-9a-f]{8}", walked.stdout))
            leads.append(lead)
            shown = walked.stdout.splitlines()
            assert "new_lead" in walked.stdout and "'act': True" in walked.stdout
            # What it shows as new is this paste's message, sent for this paste's lead.
            [message] = httpx.get(
                f"{base}/messages", params={"consumer_id": lead}, headers=admin, timeout=60
            ).json()["messages"]
            assert message["status"] == "recorded" and message["body"] in shown
            assert "Ajay" in message["body"]
            assert "https://marketplace.example/ajay_shenoy/" in message["body"]
            everything = httpx.get(f"{base}/messages", headers=admin, timeout=60).json()["messages"]
            assert len(everything) == paste
            # The creator approved it with their own key, not the admin key.
            thread = httpx.get(
                f"{base}/threads/ajay_shenoy/{lead}", headers=admin, timeout=60
            ).json()
            approved = [e for e in thread["audit_log"] if e["action"] == "draft_approved"]
            assert [e["actor"] for e in approved] == ["creator"]
            # The PATCH changed only the time zone; the paging counted every lead, one a page.
            assert thread["consumer"]["timezone"] == "Asia/Kolkata" == shown[-2]
            assert thread["consumer"]["whatsapp"] == "+919876543210"
            assert shown[-1] == f"leads of ajay_shenoy: {paste}"
    assert leads[0] != leads[1]


def admin_key(env: dict[str, str]) -> str:
    return (Path(env["DATA_DIR"]) / "admin_api_key").read_text().strip()


def test_a_walkthrough_wait_gives_up_with_a_message(tmp_path):
    env = service_env(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="warning", RUN_WORKER="false")
    with make_run(env) as base:  # no worker: the onboarding never reaches its review
        walked = walk(base, env, WAIT_S="2")
    assert walked.returncode != 0
    assert "gave up after 2 s waiting for" in walked.stderr
    assert "awaiting_review" in walked.stderr

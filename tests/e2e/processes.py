"""Starting the service as a user would, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(proc: subprocess.Popen, url: str, within: float = 90.0) -> None:
    """Wait until `url` answers 200, failing early if the process exits."""
    deadline = time.monotonic() + within
    while True:
        assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}"
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer within {within}s"
        time.sleep(0.3)


# The tests send at any hour and more than a lead's daily cap (tests/integration/
# test_compliance.py covers those rules).
RULES_OFF = {
    "DEFAULT_QUIET_HOURS": "off",
    "DEFAULT_MAX_PER_LEAD_PER_DAY": "1000",
    "DEFAULT_MAX_PER_LEAD_PER_WEEK": "1000",
    "DEFAULT_MAX_PER_CREATOR_PER_DAY": "1000",
}


def service_env(**overrides: str) -> dict[str, str]:
    """This environment without credentials, a database or an admin key, without quiet
    hours or caps, plus `overrides`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("OPENAI_", "TWILIO_", "SES_", "DATABASE_URL", "CREATOR_API", "ADMIN_API_KEY")
        )
    }
    return {**env, **RULES_OFF, **overrides}


def stop(proc: subprocess.Popen, within: float = 20.0) -> None:
    """SIGTERM the process's group (a `make` and what it started), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(within)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

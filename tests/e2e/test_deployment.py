"""What gets installed and deployed: `make run` installs no test tool, the image needs no
embedded Postgres, and compose builds one image and keeps both services up and checked."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from importlib.metadata import distribution
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
TEST_TOOLS = {"pytest", "pytest-asyncio", "moto", "langgraph-cli", "ruff"}


def only_with_extra(requirement: str, extra: str) -> str:
    spec, _, marker = requirement.partition(";")
    condition = f"({marker}) and " if marker else ""
    return f"{spec}; {condition}extra == '{extra}'"


def requirements_of(name: str) -> list[str]:
    """This clone's pyproject for the project itself, installed metadata for the rest."""
    if canonicalize_name(name) == canonicalize_name(PROJECT["name"]):
        extras = PROJECT["optional-dependencies"]
        return PROJECT["dependencies"] + [
            only_with_extra(req, extra) for extra, reqs in extras.items() for req in reqs
        ]
    return distribution(name).requires or []


def install_set(spec: str) -> set[str]:
    """Every distribution `pip install spec` brings in (spec: `.`, `.[embedded]`...)."""
    root = Requirement(spec.replace(".", PROJECT["name"], 1))
    todo = [(root.name, frozenset(root.extras))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        for line in requirements_of(name):
            req = Requirement(line)
            wanted = not req.marker or any(
                req.marker.evaluate({"extra": extra}) for extra in extras | {""}
            )
            if wanted:
                todo.append((req.name, frozenset(req.extras)))
    return {name for name, _ in seen}


def pip_installs(commands: str) -> list[str]:
    """The requirement specs of the project installs in some shell commands."""
    specs = []
    for line in commands.splitlines():
        words = shlex.split(line.removeprefix("RUN "))
        if "pip" in words and "install" in words and "--upgrade" not in words:
            specs += [w for w in words if w == "." or w.startswith(".[")]
    return specs


def test_make_run_on_a_fresh_clone_installs_no_test_tool(tmp_path):
    dry_run = subprocess.run(
        ["make", "-n", "run", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    specs = pip_installs(dry_run)
    assert specs, f"make run installs nothing?\n{dry_run}"
    installed = set().union(*(install_set(spec) for spec in specs))
    assert "pgserver" in installed  # the embedded Postgres for DATA_DIR
    assert not installed & TEST_TOOLS, sorted(installed & TEST_TOOLS)


def test_make_test_adds_the_test_tools():
    dry_run = subprocess.run(
        ["make", "-n", "test", "VENV=/nonexistent/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = set().union(*(install_set(spec) for spec in pip_installs(dry_run)))
    assert TEST_TOOLS <= installed and "pgserver" in installed


def test_the_image_needs_no_embedded_postgres():
    specs = pip_installs((ROOT / "Dockerfile").read_text())
    assert specs == ["."]
    assert "pgserver" not in install_set(".")  # it has no Linux ARM wheels


def test_compose_builds_one_image_and_keeps_api_and_worker_up_and_checked():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["api"], "one build; the other services reuse its image"
    assert services["worker"]["image"] == services["api"]["image"]
    for name in ("postgres", "api", "worker"):
        assert services[name]["restart"] == "unless-stopped", name
        assert services[name]["healthcheck"]["test"], name
    assert services["worker"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "server.worker",
        "--check",
    ]
    assert "/health/ready" in " ".join(services["api"]["healthcheck"]["test"])
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert re.match(r"postgresql://", services[name]["environment"]["DATABASE_URL"])


def test_compose_passes_the_admin_key_and_the_api_can_write_the_first_one():
    api = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["api"]
    assert api["environment"]["ADMIN_API_KEY"] == "${ADMIN_API_KEY:-}"  # from .env or the shell
    # Without one the first start writes the new key to DATA_DIR: the image's user must be
    # able to, and it cannot write under its root-owned WORKDIR.
    assert "USER nobody" in (ROOT / "Dockerfile").read_text()
    assert api["environment"]["DATA_DIR"].startswith("/tmp/")

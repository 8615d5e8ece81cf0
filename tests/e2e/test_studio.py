"""`langgraph dev` (LangGraph Studio's server) serves the sales graph; a run through
langgraph-sdk reaches the approval interrupt and resumes to the outbox send."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from langgraph_sdk import get_client

from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from tests.conftest import load_creator
from tests.e2e.processes import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "langgraph"


@pytest.fixture(scope="module")
def studio_url():
    port = free_port()
    env = {**os.environ, "LANGGRAPH_CLI_NO_ANALYTICS": "1"}
    env.pop("OPENAI_API_KEY", None)
    proc = subprocess.Popen(
        [
            str(CLI),
            "dev",
            "--no-browser",
            "--no-reload",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(proc, f"{url}/ok", within=120)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


async def test_studio_runs_the_sales_graph_to_the_approval_interrupt_and_resumes(studio_url):
    client = get_client(url=studio_url)
    [assistant] = await client.assistants.search(graph_id="sales")
    thread = await client.threads.create()
    profile = build_profile(MarketplaceCreator.model_validate(load_creator("ajay_shenoy")))
    await client.runs.wait(
        thread["thread_id"],
        assistant["assistant_id"],
        input={
            "event": {
                "id": "studio-1",
                "type": "page_view",
                "occurred_at": "2026-11-02T05:30:00+00:00",
                "payload": {},
            },
            "consumer": {
                "id": "c-1",
                "name": "Neha",
                "whatsapp": "+919876543210",
                "consent": {"whatsapp": True},
            },
        },
        context={"creator_id": "ajay_shenoy", "profile": profile, "profile_version": 1},
    )
    state = await client.threads.get(thread["thread_id"])
    assert state["status"] == "interrupted"
    [interrupt] = next(iter(state["interrupts"].values()))
    request = interrupt["value"]
    assert request["action_requests"][0]["name"] == "send_whatsapp"
    assert "Ajay" in request["action_requests"][0]["args"]["body"]
    assert request["review_configs"][0]["allowed_decisions"] == ["approve", "edit", "reject"]

    result = await client.runs.wait(
        thread["thread_id"],
        assistant["assistant_id"],
        command={"resume": {"decisions": [{"type": "approve"}]}},
        context={"creator_id": "ajay_shenoy", "profile": profile, "profile_version": 1},
    )
    assert result["send_result"]["status"] == "recorded"
    assert result["send_result"]["transport"] == "outbox"


async def test_studio_runs_onboarding_to_the_profile_review(studio_url):
    client = get_client(url=studio_url)
    [assistant] = await client.assistants.search(graph_id="creator_onboarding")
    thread = await client.threads.create()
    await client.runs.wait(
        thread["thread_id"],
        assistant["assistant_id"],
        input={
            "onboarding_id": "studio-1",
            "username": "lena_designs",
            "raw_data": load_creator("lena_designs"),
        },
    )
    state = await client.threads.get(thread["thread_id"])
    assert state["status"] == "interrupted"
    [interrupt] = next(iter(state["interrupts"].values()))
    request = interrupt["value"]
    assert request["action_requests"][0]["name"] == "save_profile"
    assert "Portfolio Review" in request["action_requests"][0]["args"]["summary"]
    result = await client.runs.wait(
        thread["thread_id"],
        assistant["assistant_id"],
        command={"resume": {"decisions": [{"type": "approve"}]}},
    )
    assert result["profile_version"] == 1 and result["agent_id"]


async def test_studio_runs_customer_onboarding_to_the_welcome_and_resumes(studio_url):
    client = get_client(url=studio_url)
    [assistant] = await client.assistants.search(graph_id="customer_onboarding")
    thread = await client.threads.create()
    profile = build_profile(MarketplaceCreator.model_validate(load_creator("ajay_shenoy")))
    context = {"creator_id": "ajay_shenoy", "profile": profile, "profile_version": 1}
    await client.runs.wait(
        thread["thread_id"],
        assistant["assistant_id"],
        input={
            "event": {
                "id": "studio-booking-1",
                "type": "booking_created",
                "occurred_at": "2026-11-02T05:30:00+00:00",
                "payload": {
                    "booking_id": "bk-1",
                    "service_id": 101,
                    "starts_at": "2026-11-05T10:00:00+00:00",
                },
            },
            "consumer": {
                "id": "c-1",
                "name": "Neha",
                "whatsapp": "+919876543210",
                "timezone": "Asia/Kolkata",
                "consent": {"whatsapp": True},
            },
        },
        context=context,
    )
    state = await client.threads.get(thread["thread_id"])
    assert state["status"] == "interrupted"
    [interrupt] = next(iter(state["interrupts"].values()))
    body = interrupt["value"]["action_requests"][0]["args"]["body"]
    assert "1:1 Career Strategy Call" in body and "15:30 (Asia/Kolkata)" in body
    result = await client.runs.wait(
        thread["thread_id"],
        assistant["assistant_id"],
        command={"resume": {"decisions": [{"type": "approve"}]}},
        context=context,
    )
    assert result["send_result"]["status"] == "recorded"
    assert result["decision"]["reason"] == "booking_welcome"

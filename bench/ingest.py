"""Ingest acknowledgement under a fixed offered rate: `POST /events` at `rate` per second,
open loop (each request goes out at its time, whatever the earlier ones are doing), and each
request's time from being issued to its 202. The events are quiet ones (bench/workload.py)
spread over their own leads; the worker processes them meanwhile, as it would."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from bench.measure import offered_rate, percentile


async def offer_events(
    client: httpx.AsyncClient, bodies: list[dict[str, Any]], rate: float
) -> dict[str, float | None]:
    acks: list[float] = []
    issued: list[float] = []
    refused = 0

    async def post(body: dict[str, Any]) -> None:
        nonlocal refused
        at = time.perf_counter()
        issued.append(at)
        answer = await client.post("/events", json=body)
        if answer.status_code == 202:
            acks.append((time.perf_counter() - at) * 1000)
        else:
            refused += 1

    started = time.perf_counter()
    posts = []
    for n, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        posts.append(asyncio.create_task(post(body)))
    await asyncio.gather(*posts)
    return {
        "ingest_events": float(len(bodies)),
        "ingest_refused": float(refused),
        "ingest_rate": offered_rate(issued),
        "ingest_p50_ms": percentile(acks, 50) if acks else None,
        "ingest_p99_ms": percentile(acks, 99) if acks else None,
        "ingest_max_ms": max(acks) if acks else None,
    }

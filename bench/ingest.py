"""Ingest acknowledgement under a fixed offered rate: `POST /events` at `rate` per second,
open loop (each request goes out at its time, whatever the earlier ones are doing), and each
request's time from being issued to its 202 (bench/lean_http.py: a client light enough
that the bench keeps to its schedule). The events are quiet ones (bench/workload.py)
spread over their own leads; the worker processes them meanwhile, as it would."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.lean_http import LeanHttp
from bench.measure import offered_rate, percentile


async def offer_events(
    client: LeanHttp, bodies: list[dict[str, Any]], rate: float
) -> dict[str, float | None]:
    acks: list[float] = []
    issued: list[float] = []
    refused = 0

    async def post(request: bytes) -> None:
        nonlocal refused
        at = time.perf_counter()
        issued.append(at)
        status, _body = await client.send(request)
        if status == 202:
            acks.append((time.perf_counter() - at) * 1000)
        else:
            refused += 1

    requests = [client.request("/events", body) for body in bodies]
    started = time.perf_counter()
    posts = []
    for n, request in enumerate(requests):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        posts.append(asyncio.create_task(post(request)))
    await asyncio.gather(*posts)
    return {
        "ingest_events": float(len(bodies)),
        "ingest_refused": float(refused),
        "ingest_rate": offered_rate(issued),
        "ingest_p50_ms": percentile(acks, 50) if acks else None,
        "ingest_p99_ms": percentile(acks, 99) if acks else None,
        "ingest_max_ms": max(acks) if acks else None,
    }

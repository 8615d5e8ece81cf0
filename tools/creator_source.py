"""The marketplace API client: fetch a creator's public data by username."""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Protocol

import httpx
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from domain.marketplace import MarketplaceCreator

# The most a creator's data may take: the same as a request body the API accepts.
MAX_ANSWER_BYTES = 2 * 1024 * 1024


class CreatorNotFound(Exception):
    pass


class CreatorDataInvalid(Exception):
    """The marketplace answered, but not with creator data we can use."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class CreatorSourceUnavailable(Exception):
    """The marketplace failed or did not answer in time, after retries."""


class CreatorSource(Protocol):
    async def fetch(self, username: str) -> MarketplaceCreator: ...


class _Retryable(Exception):
    pass


def describe_validation_error(exc: ValidationError) -> list[str]:
    """'services.0.price: Field required' lines a person can act on."""
    return [
        f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors()
    ]


def parse_creator(data: object) -> MarketplaceCreator:
    try:
        return MarketplaceCreator.model_validate(data)
    except ValidationError as exc:
        raise CreatorDataInvalid(describe_validation_error(exc)) from None


def _parse_answer(body: bytes) -> MarketplaceCreator:
    try:
        data = json.loads(body)
    except ValueError:
        raise CreatorDataInvalid(["the marketplace answer is not JSON"]) from None
    return parse_creator(data)


class MarketplaceClient:
    """`GET {base}/fetchByUsernameAdditionalDetails/?username=...`, with a timeout per
    attempt and exponential backoff on 5xx, timeouts and connection errors."""

    def __init__(
        self, base_url: str, timeout_s: float = 5.0, attempts: int = 3, backoff_s: float = 0.5
    ):
        self._base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(timeout_s)
        self._attempts = attempts
        self._backoff_s = backoff_s
        # Loading CA certificates reads files: do it once here, not on the event loop.
        self._ssl = ssl.create_default_context()

    async def _get_once(self, client: httpx.AsyncClient, username: str) -> tuple[int, bytes]:
        """The answer's status and body, read no further than MAX_ANSWER_BYTES."""
        body = bytearray()
        try:
            async with client.stream(
                "GET",
                f"{self._base_url}/fetchByUsernameAdditionalDetails/",
                params={"username": username},
            ) as response:
                if response.status_code >= 500 or response.status_code == 429:
                    raise _Retryable(f"HTTP {response.status_code}")
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise CreatorDataInvalid(
                            [f"the marketplace answer is larger than {MAX_ANSWER_BYTES:,} bytes"]
                        )
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        return response.status_code, bytes(body)

    async def fetch(self, username: str) -> MarketplaceCreator:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._backoff_s, max=10),
            reraise=True,
        )
        async with httpx.AsyncClient(timeout=self._timeout, verify=self._ssl) as client:
            try:
                status, body = await retrying(self._get_once, client, username)
            except _Retryable as exc:
                raise CreatorSourceUnavailable(
                    f"the marketplace did not answer for {username!r} after "
                    f"{self._attempts} attempts ({exc})"
                ) from exc
        if status == 404:
            raise CreatorNotFound(f"the marketplace has no creator {username!r}")
        if status != 200:
            raise CreatorSourceUnavailable(
                f"the marketplace answered HTTP {status} for {username!r}"
            )
        # Up to MAX_ANSWER_BYTES of JSON to parse and validate: off the event loop.
        creator = await asyncio.to_thread(_parse_answer, body)
        if creator.user.username != username:
            raise CreatorDataInvalid(
                [f"the marketplace answered for {creator.user.username!r}, not {username!r}"]
            )
        return creator


def build_creator_source(base_url: str | None, timeout_s: float, attempts: int):
    """The marketplace client when a base URL is configured, else None (inline data only)."""
    return MarketplaceClient(base_url, timeout_s, attempts) if base_url else None

"""The one shape of every error answer, and the `responses=` entries that document it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorItem(BaseModel):
    """One thing to fix: where (`loc`, e.g. ["body", "consent", "whatsapp"]) and what."""

    loc: list[str | int] = Field(description="Where: the request part, then the field path")
    msg: str = Field(description="What is wrong, and what to send instead")
    type: str | None = Field(None, description="The kind of problem, e.g. missing, string_type")
    input: Any = Field(None, description="A short excerpt of the value sent")
    ctx: dict[str, Any] | None = Field(None, description="The limit broken, e.g. max_length")
    rule: str | None = Field(None, description="A check's rule class, e.g. price or link")
    text: str | None = Field(None, description="The words that broke the rule")


class ErrorBody(BaseModel):
    detail: str = Field(description="What went wrong and what to do about it")
    errors: list[ErrorItem] | None = Field(
        None, description="Each problem found, when there are several or they have a place"
    )


ERROR_DESCRIPTIONS = {
    401: "No API key, or one that is unknown or revoked",
    403: "The key may not do this (the admin key's job, or another creator's data)",
    404: "Not found, or another creator's (never revealed)",
    409: "Conflicts with the current state; `detail` says what to do",
    413: "The request body is larger than the limit",
    422: "The request is not valid; `detail` and `errors` say what to fix",
    502: "The marketplace could not be reached; try again later",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that can answer these error codes."""
    return {code: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[code]} for code in codes}

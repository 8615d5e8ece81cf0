"""Client data must be plain JSON that Postgres (jsonb, text) and the graph checkpoint
(msgpack) can hold: no NUL or lone UTF-16 surrogate in a string, finite numbers, integers
within 64 bits, bounded nesting. Checked once at the edge, so nothing accepted there fails
later in a worker."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, model_validator

# msgpack (the checkpoint's format) holds integers from -2^63 up to 2^64 - 1.
MIN_INT = -(2**63)
MAX_INT = 2**64 - 1
MAX_DEPTH = 32
# Problems reported per request: enough to fix the data, never an echo of all of it.
MAX_REPORTED = 5


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode"
    return None


def _value_problem(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if not MIN_INT <= value <= MAX_INT:
            return "is an integer outside -2^63 .. 2^64-1, which cannot be stored"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return "is NaN or Infinity; numbers must be finite"
    if isinstance(value, str):
        return _text_problem(value)
    return None


def _path(parts: tuple[Any, ...]) -> str:
    shown = ".".join(str(p) if len(str(p)) <= 40 else f"{str(p)[:40]}…" for p in parts[:12])
    return (shown + (".…" if len(parts) > 12 else "")) or "(the whole value)"


def json_problems(value: Any, max_depth: int = MAX_DEPTH) -> list[str]:
    """'payload.items.3.count: is an integer outside ...' for the first few problems in a
    JSON value (dicts, lists, scalars), walked once without recursion."""
    problems: list[str] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack and len(problems) < MAX_REPORTED:
        item, path = stack.pop()
        if isinstance(item, dict | list):
            if len(path) >= max_depth:
                problems.append(f"{_path(path)}: is nested deeper than {max_depth} levels")
                continue
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str) and (problem := _text_problem(key)):
                        problems.append(f"{_path(path)}: a key {problem}")
                    stack.append((child, (*path, key)))
            else:
                stack.extend((child, (*path, i)) for i, child in enumerate(item))
        elif problem := _value_problem(item):
            problems.append(f"{_path(path)}: {problem}")
    return problems


class PlainJsonModel(BaseModel):
    """A model whose raw input, extra fields included, must be plain storable JSON."""

    @model_validator(mode="before")
    @classmethod
    def _plain_json(cls, data: Any) -> Any:
        if isinstance(data, dict | list) and (problems := json_problems(data)):
            raise ValueError("; ".join(problems))
        return data

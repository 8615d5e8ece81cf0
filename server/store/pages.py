"""Keyset pagination with an opaque cursor: a list is read in (created_at, id) order and the
cursor names the last row a page showed, so no row is skipped or repeated when new rows
arrive between pages."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from server.store.rows import Row

Order = Literal["newest_first", "oldest_first"]
MAX_CURSOR_LENGTH = 500


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    at: datetime
    id: str

    def encode(self) -> str:
        raw = json.dumps([self.at.isoformat(), self.id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        if len(text) > MAX_CURSOR_LENGTH:
            raise InvalidCursor("cursor is too long")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            at, row_id = json.loads(raw)
            return cls(datetime.fromisoformat(at), str(row_id))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise InvalidCursor(
                "cursor is not one this service issued; pass the next_cursor of the previous page"
            ) from None


@dataclass
class Page:
    rows: list[Row]
    next_cursor: str | None


def keyset(order: Order, at_column: str, id_column: str) -> tuple[str, str]:
    """The WHERE condition (taking `after`, `after.at`, `after.at`, `after.id`) and the ORDER
    BY clause that walk a list in `order`."""
    op, direction = (">", "ASC") if order == "oldest_first" else ("<", "DESC")
    where = f"(%s::timestamptz IS NULL OR ({at_column}, {id_column}) {op} (%s, %s))"
    return where, f"ORDER BY {at_column} {direction}, {id_column} {direction}"


def keyset_params(after: Cursor | None) -> tuple:
    return (after.at if after else None, after.at if after else None, after.id if after else None)


def to_page(rows: list[Row], limit: int, at_key: str = "created_at", id_key: str = "id") -> Page:
    """`rows` were fetched with LIMIT limit + 1: the extra row says another page exists."""
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], Cursor(last[at_key], str(last[id_key])).encode())

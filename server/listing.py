"""Query parameters every list shares: an opaque cursor and a page size."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query

from server.store.pages import MAX_CURSOR_LENGTH, Cursor, InvalidCursor

MAX_PAGE = 500


async def _cursor(
    cursor: str | None = Query(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="The previous page's next_cursor; omit it for the first page",
    ),
) -> Cursor | None:
    if cursor is None:
        return None
    try:
        return Cursor.decode(cursor)
    except InvalidCursor as exc:
        raise HTTPException(422, str(exc)) from None


CursorQuery = Annotated[Cursor | None, Depends(_cursor)]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")]

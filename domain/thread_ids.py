"""Thread ids: one namespace per graph, so threads of different graphs can never collide.

`sales:<creator_id>:<consumer_id>` and `onboarding:<onboarding_id>`. Ids never contain
':' (the API's id pattern refuses it), so a thread id names exactly one graph and one thread.
"""

from __future__ import annotations

SALES = "sales"
CREATOR_ONBOARDING = "onboarding"


def _plain(part: str) -> str:
    if not part or ":" in part:
        raise ValueError(f"{part!r} cannot be part of a thread id (empty, or contains ':')")
    return part


def sales_thread_id(creator_id: str, consumer_id: str) -> str:
    return f"{SALES}:{_plain(creator_id)}:{_plain(consumer_id)}"


def onboarding_thread_id(onboarding_id: str) -> str:
    return f"{CREATOR_ONBOARDING}:{_plain(onboarding_id)}"


def sales_thread_parts(thread_id: str) -> tuple[str, str] | None:
    """(creator_id, consumer_id) of a sales thread id; None for any other thread."""
    graph, _, rest = thread_id.partition(":")
    creator_id, _, consumer_id = rest.partition(":")
    if graph != SALES or not creator_id or not consumer_id:
        return None
    return creator_id, consumer_id

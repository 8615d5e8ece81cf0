"""Thread ids: one namespace per graph, so threads of different graphs can never collide.

`sales:<creator_id>:<consumer_id>`, `customer:<creator_id>:<consumer_id>:<booking_id>` (the
customer onboarding graph, one thread per booking) and `onboarding:<onboarding_id>` (creator
onboarding). Ids never contain
':' (the API's id pattern refuses it), so a thread id names exactly one graph and one thread.
"""

from __future__ import annotations

SALES = "sales"
CREATOR_ONBOARDING = "onboarding"
CUSTOMER = "customer"


def _plain(part: str) -> str:
    if not part or ":" in part:
        raise ValueError(f"{part!r} cannot be part of a thread id (empty, or contains ':')")
    return part


def sales_thread_id(creator_id: str, consumer_id: str) -> str:
    return f"{SALES}:{_plain(creator_id)}:{_plain(consumer_id)}"


def customer_thread_id(creator_id: str, consumer_id: str, booking_id: str) -> str:
    return f"{CUSTOMER}:{_plain(creator_id)}:{_plain(consumer_id)}:{_plain(booking_id)}"


def graph_of_thread(thread_id: str) -> str:
    """The namespace (graph) a thread id belongs to: 'sales', 'customer' or 'onboarding'."""
    return thread_id.partition(":")[0]


def onboarding_thread_id(onboarding_id: str) -> str:
    return f"{CREATOR_ONBOARDING}:{_plain(onboarding_id)}"


def lead_of_thread(thread_id: str) -> tuple[str, str] | None:
    """(creator_id, consumer_id) of a sales or customer thread id; None for any other."""
    graph, _, rest = thread_id.partition(":")
    creator_id, _, rest = rest.partition(":")
    consumer_id, _, booking_id = rest.partition(":")
    if not creator_id or not consumer_id:
        return None
    if (graph, bool(booking_id)) not in ((SALES, False), (CUSTOMER, True)):
        return None
    return creator_id, consumer_id

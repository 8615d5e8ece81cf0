"""What the lead-facing graphs (sales, customer onboarding) are built with."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from tools.channels import Transport
from tools.drafting import Drafter
from tools.judge import Judge, LexiconJudge
from tools.sales_store import InMemorySalesStore, SalesStore


@dataclass
class SalesAdapters:
    drafter: Drafter
    whatsapp: Transport
    email: Transport
    store: SalesStore
    # Judges a draft's wording: the lexicon, and with a model a second call.
    judge: Judge = field(default_factory=LexiconJudge)


@functools.cache
def _studio_store() -> InMemorySalesStore:
    # `langgraph dev` calls a graph's factory for every run; the store must outlive one run,
    # and both lead-facing graphs share it, as they share one database in the service.
    return InMemorySalesStore()


def studio_adapters() -> SalesAdapters:
    """What `langgraph dev` builds the lead-facing graphs with: the in-memory store, outbox
    transports, and the model from the environment when one is configured."""
    from server.settings import Settings
    from tools.llm import build_drafter, build_judge
    from tools.outbox import OutboxTransport

    settings = Settings()
    return SalesAdapters(
        drafter=build_drafter(settings),
        judge=build_judge(settings),
        whatsapp=OutboxTransport(),
        email=OutboxTransport(),
        store=_studio_store(),
    )

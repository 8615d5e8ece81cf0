"""What the lead-facing graphs (sales, customer onboarding) are built with."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.channels import Transport
from tools.drafting import Drafter
from tools.judge import Judge, LexiconJudge
from tools.sales_store import SalesStore


@dataclass
class SalesAdapters:
    drafter: Drafter
    whatsapp: Transport
    email: Transport
    store: SalesStore
    # Judges a draft's wording: the lexicon, and with a model a second call.
    judge: Judge = field(default_factory=LexiconJudge)

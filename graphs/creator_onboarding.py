"""The onboarding graph: marketplace data to a creator-approved sales profile and an agent.

fetch_creator_data -> write_profile -> check_profile -> save_profile_draft ->
review_profile (interrupt) -> save_profile -> deploy_agent
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from langgraph.graph import END, START, StateGraph

from graphs.state import OnboardingState
from nodes.check_profile import make_check_profile, route_after_check_profile
from nodes.deploy_agent import make_deploy_agent
from nodes.discard_profile import make_discard_profile
from nodes.fail_onboarding import make_fail_onboarding
from nodes.fetch_creator_data import make_fetch_creator_data
from nodes.review_profile import (
    review_profile,
    route_after_discard_profile,
    route_after_review_profile,
)
from nodes.save_profile import make_save_profile
from nodes.save_profile_draft import make_save_profile_draft
from nodes.write_profile import make_write_deterministic_profile, make_write_profile
from tools.creator_source import CreatorSource
from tools.judge import Judge, LexiconJudge
from tools.onboarding_store import InMemoryOnboardingStore, OnboardingStore
from tools.profile_writer import ProfileWriter


@dataclass
class OnboardingAdapters:
    source: CreatorSource | None
    writer: ProfileWriter
    store: OnboardingStore
    # Judges a model-written profile's wording: the lexicon, and with a model a second call.
    judge: Judge = field(default_factory=LexiconJudge)


def build_onboarding_graph(adapters: OnboardingAdapters) -> StateGraph:
    store = adapters.store
    builder = StateGraph(OnboardingState)
    builder.add_node("fetch_creator_data", make_fetch_creator_data(adapters.source, store))
    builder.add_node("write_profile", make_write_profile(adapters.writer, store))
    builder.add_node("write_deterministic_profile", make_write_deterministic_profile(store))
    builder.add_node("check_profile", make_check_profile(store, adapters.judge))
    builder.add_node("fail_onboarding", make_fail_onboarding(store))
    builder.add_node("save_profile_draft", make_save_profile_draft(store))
    builder.add_node("review_profile", review_profile)
    builder.add_node("discard_profile", make_discard_profile(store))
    builder.add_node("save_profile", make_save_profile(store))
    builder.add_node("deploy_agent", make_deploy_agent(store))

    builder.add_edge(START, "fetch_creator_data")
    builder.add_edge("fetch_creator_data", "write_profile")
    builder.add_edge("write_profile", "check_profile")
    builder.add_edge("write_deterministic_profile", "check_profile")
    builder.add_conditional_edges(
        "check_profile",
        route_after_check_profile,
        ["save_profile_draft", "write_profile", "write_deterministic_profile", "fail_onboarding"],
    )
    builder.add_edge("fail_onboarding", END)
    builder.add_edge("save_profile_draft", "review_profile")
    builder.add_conditional_edges(
        "review_profile", route_after_review_profile, ["save_profile", "discard_profile"]
    )
    builder.add_conditional_edges(
        "discard_profile", route_after_discard_profile, ["write_profile", END]
    )
    builder.add_edge("save_profile", "deploy_agent")
    builder.add_edge("deploy_agent", END)
    return builder


@functools.cache
def _studio_store() -> InMemoryOnboardingStore:
    # `langgraph dev` calls the factory for every run; the store must outlive one run.
    return InMemoryOnboardingStore()


def studio_graph():
    """Entry point for `langgraph dev`: in-memory store; the marketplace API and model from
    the environment when configured (else pass `raw_data` in the input, and the
    deterministic builder writes the profile)."""
    from server.settings import Settings
    from tools.creator_source import build_creator_source
    from tools.llm import build_judge, build_profile_writer

    settings = Settings()
    source = build_creator_source(
        settings.creator_api_base_url,
        settings.creator_api_timeout_s,
        settings.creator_api_attempts,
    )
    adapters = OnboardingAdapters(
        source=source,
        writer=build_profile_writer(settings),
        store=_studio_store(),
        judge=build_judge(settings),
    )
    return build_onboarding_graph(adapters).compile()

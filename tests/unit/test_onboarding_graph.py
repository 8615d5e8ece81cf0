"""The onboarding graph with in-memory fakes: review, edits, rejections, fallbacks."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from domain.profile_writing import deterministic_writing
from graphs.creator_onboarding import OnboardingAdapters, build_onboarding_graph
from tests.conftest import load_creator
from tools.onboarding_store import InMemoryOnboardingStore
from tools.profile_writer import DeterministicProfileWriter, WrittenProfile

CONFIG = {"configurable": {"thread_id": "onboarding:o1"}}


class ScriptedWriter:
    """A 'model' answering from a list of writings, recording the feedback it got."""

    def __init__(self, *writings):
        self.writings = list(writings)
        self.feedback: list[str | None] = []

    async def write(self, data, feedback=None):
        self.feedback.append(feedback)
        writing = self.writings[min(len(self.feedback) - 1, len(self.writings) - 1)]
        return WrittenProfile(writing, "llm", model_answer=writing)


def graph(writer=None):
    store = InMemoryOnboardingStore()
    adapters = OnboardingAdapters(
        source=None, writer=writer or DeterministicProfileWriter(), store=store
    )
    return build_onboarding_graph(adapters).compile(checkpointer=InMemorySaver()), store


def start(username: str) -> dict:
    return {"onboarding_id": "o1", "username": username, "raw_data": load_creator(username)}


async def test_an_approved_profile_is_saved_and_the_agent_deployed():
    onboarding, store = graph()
    paused = await onboarding.ainvoke(start("ajay_shenoy"), CONFIG)
    [interrupt] = paused["__interrupt__"]
    assert interrupt.value["action_requests"][0]["name"] == "save_profile"
    assert store.runs["o1"]["status"] == "awaiting_review"
    done = await onboarding.ainvoke(Command(resume={"decisions": [{"type": "approve"}]}), CONFIG)
    assert done["profile_version"] == 1 and done["agent_id"]
    assert store.profiles[("ajay_shenoy", 1)]["status"] == "approved"
    assert store.runs["o1"]["status"] == "approved"


async def test_creator_edits_are_what_gets_saved():
    onboarding, store = graph()
    await onboarding.ainvoke(start("maya_lifts"), CONFIG)
    edit = {
        "type": "edit",
        "edited_action": {
            "name": "save_profile",
            "args": {"summary": "Maya coaches busy parents to get strong at home."},
        },
    }
    await onboarding.ainvoke(Command(resume={"decisions": [edit]}), CONFIG)
    saved = store.profiles[("maya_lifts", 1)]["profile"]
    assert saved["summary"] == "Maya coaches busy parents to get strong at home."
    assert saved["services"][1]["price_text"] == "$60"  # facts untouched by edits


async def test_an_invented_price_is_rewritten_once_then_built_deterministically():
    data = load_creator("ajay_shenoy")
    invented = {
        **deterministic_writing_of("ajay_shenoy"),
        "sales_pitch": "Book the strategy call for just ₹999 this week, 50% off!",
    }
    writer = ScriptedWriter(invented)
    onboarding, store = graph(writer)
    paused = await onboarding.ainvoke(start("ajay_shenoy"), CONFIG)
    assert len(writer.feedback) == 2 and "₹" not in (writer.feedback[0] or "")
    assert "offer" in writer.feedback[1] and "50%" not in writer.feedback[1]
    args = paused["__interrupt__"][0].value["action_requests"][0]["args"]
    assert "50% off" not in args["sales_pitch"]
    assert store.profiles[("ajay_shenoy", 1)]["source"] == "deterministic"
    assert store.runs["o1"]["problems"]  # the log keeps what was wrong
    assert data["user"]["username"] == "ajay_shenoy"


async def test_a_rejection_with_feedback_rewrites_once_and_keeps_no_rejected_version():
    writer = ScriptedWriter(deterministic_writing_of("lena_designs"))
    onboarding, store = graph(writer)
    await onboarding.ainvoke(start("lena_designs"), CONFIG)
    again = await onboarding.ainvoke(
        Command(resume={"decisions": [{"type": "reject", "message": "More about UX"}]}), CONFIG
    )
    assert "More about UX" in writer.feedback[-1]
    assert store.profiles[("lena_designs", 1)]["status"] == "rejected"
    assert store.profiles[("lena_designs", 2)]["status"] == "pending_review"
    assert "__interrupt__" in again
    await onboarding.ainvoke(
        Command(resume={"decisions": [{"type": "reject", "message": "Still no"}]}), CONFIG
    )
    assert store.runs["o1"]["status"] == "rejected"
    assert len(store.profiles) == 2  # only one rewrite per onboarding


def deterministic_writing_of(username: str) -> dict:
    from domain.marketplace import MarketplaceCreator

    return deterministic_writing(MarketplaceCreator.model_validate(load_creator(username)))

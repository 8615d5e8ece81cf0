"""The creator's inbox in headless Chromium against the service as users start it: sign-in,
a draft's "why", edit with a finding confirmed, approve, reject with a rewrite, bulk approval,
profile review, tenancy by URL and CSRF. Screenshots land in the pytest basetemp's
inbox-screenshots folder (or INBOX_SCREENSHOTS_DIR)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from server.inbox_settings_form import approval_modes
from tests.conftest import NEHA, load_creator
from tests.e2e.inbox_browser import (
    DESKTOP,
    Service,
    add_creator,
    chromium_path,
    creator_key,
    draft_for,
    fresh_database,
    lead,
    message_of,
    ok,
    running_service,
    screenshot_dir,
    screenshots,
    sign_in_with_key,
    wait_until,
)
from tests.standins.openai_server import ScriptedOpenAI

CLICK_101 = {
    "type": "service_click",
    "occurred_at": "2026-11-08T06:00:00Z",
    "payload": {"service_id": 101},
}
PAGE_VIEW = {"type": "page_view", "occurred_at": "2026-11-08T07:00:00Z", "payload": {}}
INVENTED_PRICE_EDIT = (
    "Hi Neha, the strategy call is just ₹5 today: https://marketplace.example/ajay_shenoy/101"
)
MODEL_DRAFT = {
    "channel": "whatsapp",
    "subject": None,
    "body": "Hi {{first_name}}! {{creator_name}}'s {{title:101}} ({{price:101}}) maps your next "
    "role: {{link:101}}",
    "service_ids": [101],
    "confidence": 0.82,
    "reasoning": "First visit; the entry-level call is the natural next step.",
}
MODEL_REWRITE = {
    **MODEL_DRAFT,
    "body": "Hi {{first_name}}! A lighter first step: {{creator_name}}'s {{title:102}} "
    "({{price:102}}) at {{link:102}}",
    "service_ids": [102],
    "reasoning": "The creator asked for the resume review instead.",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.getbasetemp())


@pytest.fixture
def database_url(pg_server_url: str) -> Iterator[str]:
    with fresh_database(pg_server_url) as url:
        yield url


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    with running_service(database_url) as service:
        yield service


def card(page: Page, lead_name: str):
    return page.get_by_role("article", name=f"Draft for {lead_name}")


def test_a_creator_signs_in_with_a_key_reads_why_edits_past_a_finding_and_approves(
    service: Service, page: Page, shots: Path
):
    key = add_creator(service, "ajay_shenoy")
    neha = draft_for(service, "ajay_shenoy", NEHA, CLICK_101)
    ravi = draft_for(
        service, "ajay_shenoy", lead("c-1002", "Ravi Menon", "+919812345678"), PAGE_VIEW
    )
    sign_in_with_key(page, service, key)

    # Oldest first, each with its "why".
    titles = page.get_by_role("heading", level=2).all_inner_texts()
    assert titles == ["Draft for Neha Kulkarni", "Draft for Ravi Menon"]
    neha_card = card(page, "Neha Kulkarni")
    why = neha_card.locator("dl.why")
    expect(why).to_contain_text("Neha Kulkarni on whatsapp (+919876543210)")
    expect(why).to_contain_text("clicked “1:1 Career Strategy Call” · 8 Nov 2026, 06:00 UTC")
    expect(why).to_contain_text("The lead clicked on one of the creator's services")
    expect(why).to_contain_text("Page views: 0")
    expect(why).to_contain_text("Service clicks: 1 (“1:1 Career Strategy Call” ×1)")
    expect(why).to_contain_text("Messages sent so far: 0")
    expect(why).to_contain_text("the template drafter from profile version 1")
    expect(why).to_contain_text("Passed every check")
    expect(card(page, "Ravi Menon").locator("dl.why")).to_contain_text(
        "the lead viewed the creator's page for the first time", ignore_case=True
    )
    screenshots(page, shots, "inbox")

    # Edit: the check runs as the creator types, and saving with a finding asks first.
    message = neha_card.get_by_label("Message")
    expect(message).to_be_hidden()
    neha_card.get_by_role("button", name="Edit", exact=True).click()
    expect(message).to_be_focused()
    message.fill(INVENTED_PRICE_EDIT)
    live = neha_card.get_by_role("status")
    expect(live).to_contain_text("whose price is ₹1,999")
    neha_card.get_by_role("button", name="Send edited message").click()
    confirm = page.get_by_role("button", name="Send with these problems")
    expect(confirm).to_be_visible()
    expect(page.locator(".live-findings")).to_contain_text("whose price is ₹1,999")
    assert ok(service.api.get(f"/approvals/{neha}"))["status"] == "pending"
    screenshots(page, shots, "edit-with-findings")
    confirm.click()
    expect(page.get_by_role("status").first).to_contain_text("Your edit was approved")

    sent = message_of(service, neha)
    assert sent["body"] == INVENTED_PRICE_EDIT and sent["status"] == "recorded"
    audit = ok(service.api.get("/threads/ajay_shenoy/c-1001"))["audit_log"]
    edited = next(e for e in audit if e["action"] == "draft_edited")
    assert edited["actor"] == "creator" and edited["details"]["confirmed"] is True

    # Approve the other one as it is.
    card(page, "Ravi Menon").get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Approved")
    assert message_of(service, ravi)["status"] == "recorded"
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()

    # Sent messages with their delivery status, and Neha's thread on one page.
    page.get_by_role("link", name="Sent").click()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Neha Kulkarni")).to_contain_text("recorded")
    expect(rows.filter(has_text="Ravi Menon")).to_contain_text("recorded")
    screenshots(page, shots, "sent")
    page.get_by_role("link", name="Neha Kulkarni").click()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("clicked “1:1 Career Strategy Call”")
    expect(timeline).to_contain_text("Draft by the template drafter: edited")
    expect(timeline).to_contain_text("Message on whatsapp: recorded")
    screenshots(page, shots, "lead-thread")


def test_a_sign_in_link_signs_in_once(service: Service, browser: Browser, page: Page):
    add_creator(service, "ajay_shenoy")
    draft_for(service, "ajay_shenoy", NEHA, CLICK_101)
    link = ok(service.api.post("/creators/ajay_shenoy/sign-in-link"))
    assert link["url"].startswith(service.url("/inbox/sign-in/link?token="))
    assert service.api.post("/creators/nobody/sign-in-link").status_code == 404

    page.goto(link["url"])
    page.get_by_role("button", name="Sign in as ajay_shenoy").click()
    page.wait_for_url(service.url("/inbox"))
    expect(card(page, "Neha Kulkarni")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "inbox_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    other = browser.new_context().new_page()
    answer = other.goto(link["url"])
    assert answer.status == 410
    expect(other.get_by_role("alert")).to_contain_text("used already or has expired")
    other.context.close()

    # Signing out ends the session: the cookie no longer opens the inbox.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/inbox/sign-in"))
    page.context.add_cookies([{**cookie}])
    page.goto(service.url("/inbox"))
    assert page.url.endswith("/inbox/sign-in")


def test_a_rejection_with_feedback_brings_the_models_rewrite(
    database_url: str, page: Page, shots: Path
):
    with ScriptedOpenAI([{"json": MODEL_DRAFT}, {"json": MODEL_REWRITE}]) as llm:
        env = {
            "OPENAI_API_KEY": "test-key",
            "OPENAI_BASE_URL": llm.base_url,
            "OPENAI_MODEL": "standin-model",
            "LLM_MAX_RETRIES": "0",
        }
        with running_service(database_url, **env) as service:
            key = add_creator(service, "ajay_shenoy")
            first = draft_for(service, "ajay_shenoy", NEHA, CLICK_101)
            sign_in_with_key(page, service, key)
            neha = card(page, "Neha Kulkarni")
            expect(neha).to_contain_text("maps your next role")
            expect(neha).to_contain_text("the model (prompt draft_message")
            expect(neha).to_contain_text("confidence 0.82")

            neha.get_by_label("Feedback for a rewrite (optional)").fill(
                "Suggest the resume review instead"
            )
            neha.get_by_role("button", name="Reject", exact=True).click()
            expect(page.get_by_role("status").first).to_contain_text("writing a new draft")

            def rewrite_shown():
                page.goto(service.url("/inbox"))
                return card(page, "Neha Kulkarni").count() == 1

            wait_until(rewrite_shown)
            rewrite = card(page, "Neha Kulkarni")
            expect(rewrite).to_contain_text("A lighter first step")
            expect(rewrite).to_contain_text("Resume and LinkedIn Review (₹999 one-time)")
            screenshots(page, shots, "rewrite")
            assert ok(service.api.get(f"/approvals/{first}"))["status"] == "rejected"
            assert len(llm.requests) == 2
            prompt = llm.requests[1]["messages"][0]["content"]
            assert "Suggest the resume review instead" in prompt


def test_three_drafts_are_approved_at_once_and_each_is_sent_once(service: Service, page: Page):
    key = add_creator(service, "ajay_shenoy")
    leads = [
        lead("c-3001", "Asha Rao", "+919800000001"),
        lead("c-3002", "Vikram Iyer", "+919800000002"),
        lead("c-3003", "Meera Nair", "+919800000003"),
    ]
    ids = [draft_for(service, "ajay_shenoy", one, PAGE_VIEW) for one in leads]
    sign_in_with_key(page, service, key)
    for one in leads:
        page.get_by_label(f"Select the draft for {one['name']}").check()
    expect(page.get_by_text("3 selected")).to_be_visible()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status").first).to_contain_text("The selected drafts were approved")

    for approval_id in ids:
        assert message_of(service, approval_id)["status"] == "recorded"
        # Decided once: a second decision is refused and sends nothing.
        again = service.api.post(
            f"/approvals/{approval_id}/decision", json={"decisions": [{"type": "approve"}]}
        )
        assert again.status_code == 409
    wait_until(lambda: len(ok(service.api.get("/messages"))["messages"]) == 3)
    assert len(ok(service.api.get("/messages"))["messages"]) == 3


def test_a_creator_reviews_a_profile_beside_its_facts_and_sees_a_resync_diff(
    service: Service, page: Page, shots: Path
):
    started = ok(
        service.api.post(
            "/onboarding/",
            json={"username": "ajay_shenoy", "marketplace_data": load_creator("ajay_shenoy")},
        )
    )

    def review_waits(onboarding_id: str):
        run = ok(service.api.get(f"/onboarding/{onboarding_id}"))
        return run if run["status"] == "awaiting_review" else None

    wait_until(lambda: review_waits(started["onboarding_id"]))
    sign_in_with_key(page, service, creator_key(service, "ajay_shenoy"))
    page.get_by_role("link", name=re.compile(r"^Profile")).click()
    page.get_by_role("link", name="Version 1").click()
    written = page.get_by_role("region", name="What was written")
    facts = page.get_by_role("region", name="The facts it came from")
    expect(written.get_by_label("Summary")).to_have_value(re.compile("Ajay Shenoy offers"))
    expect(facts.get_by_role("row", name=re.compile("1:1 Career Strategy Call"))).to_contain_text(
        "₹1,999"
    )
    expect(facts).to_contain_text("4.9 from 187 reviews")
    screenshots(page, shots, "profile-review")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Profile approved")
    wait_until(
        lambda: ok(service.api.get("/onboarding/profile/ajay_shenoy"))["approved"] is not None
    )

    # A re-sync with a new price: the review shows what changed from the approved version.
    raised = copy.deepcopy(load_creator("ajay_shenoy"))
    raised["services"][0]["price"]["amount"] = 2499
    synced = ok(
        service.api.post(
            "/onboarding/sync", json={"creator_id": "ajay_shenoy", "marketplace_data": raised}
        )
    )
    wait_until(lambda: review_waits(synced["onboarding_id"]))
    page.goto(service.url("/inbox/profiles"))
    page.get_by_role("link", name="Version 2").click()
    changes = page.get_by_role("region", name=re.compile("What changed since version 1"))
    price_row = changes.get_by_role("row", name=re.compile("Service: 1:1 Career Strategy Call"))
    expect(price_row).to_contain_text("₹1,999")
    expect(price_row).to_contain_text("₹2,499")
    screenshots(page, shots, "profile-resync-diff")
    summary = page.get_by_label("Summary")
    summary.fill("Ajay helps engineers grow into engineering managers.")
    page.get_by_role("button", name="Save edits and approve").click()
    expect(page.get_by_role("status").first).to_contain_text("Your edited profile was approved")

    def approved_v2():
        approved = ok(service.api.get("/onboarding/profile/ajay_shenoy"))["approved"]
        return approved if approved and approved["version"] == 2 else None

    profile = wait_until(approved_v2)["profile"]
    assert profile["summary"] == "Ajay helps engineers grow into engineering managers."
    assert profile["services"][0]["price_text"] == "₹2,499"


def test_another_creators_session_cannot_open_or_decide_a_draft_by_url(
    service: Service, page: Page
):
    add_creator(service, "ajay_shenoy")
    maya_key = add_creator(service, "maya_lifts")
    ajay_draft = draft_for(service, "ajay_shenoy", NEHA, CLICK_101)
    sign_in_with_key(page, service, maya_key)
    expect(page.get_by_text("Nothing is waiting for you")).to_be_visible()

    for path in (f"/inbox/approvals/{ajay_draft}", "/inbox/leads/c-1001"):
        answer = page.goto(service.url(path))
        assert answer.status == 404, path
        expect(page.get_by_role("alert")).to_contain_text("There is no such")
        expect(page.locator("main")).not_to_contain_text("Neha")

    # Maya's own, valid CSRF token does not let her decide Ajay's draft either.
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(
        service.url(f"/inbox/approvals/{ajay_draft}/approve"), form={"csrf_token": csrf}
    )
    assert answer.status == 404
    bulk = page.request.post(
        service.url("/inbox/approvals/approve-selected"),
        form={"csrf_token": csrf, "approval_id": ajay_draft},
    )
    assert bulk.status == 409 and "There is no such draft in your inbox" in bulk.text()
    assert "ajay_shenoy" not in bulk.text()
    assert ok(service.api.get(f"/approvals/{ajay_draft}"))["status"] == "pending"


def test_a_post_without_the_csrf_token_is_refused(service: Service, page: Page):
    key = add_creator(service, "ajay_shenoy")
    approval_id = draft_for(service, "ajay_shenoy", NEHA, CLICK_101)
    sign_in_with_key(page, service, key)
    approve = service.url(f"/inbox/approvals/{approval_id}/approve")

    # The browser's session cookie goes with these requests; the token does not.
    assert page.request.post(approve, form={}).status == 403
    assert page.request.post(approve, form={"csrf_token": "forged"}).status == 403
    check = page.request.post(
        service.url("/creators/ajay_shenoy/check"), data={"channel": "whatsapp", "body": "Hi"}
    )
    assert check.status == 403
    assert ok(service.api.get(f"/approvals/{approval_id}"))["status"] == "pending"

    # Signing in needs the sign-in form's own token too.
    other = page.context.browser.new_context().new_page()
    refused = other.request.post(service.url("/inbox/sign-in"), form={"key": key})
    assert refused.status == 403
    other.context.close()

    # With the page's token the same POST goes through.
    card(page, "Neha Kulkarni").get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Approved")
    assert message_of(service, approval_id)["status"] == "recorded"


def test_settings_show_the_modes_the_api_accepts_and_save_triggers_and_the_switch(
    service: Service, page: Page, shots: Path
):
    key = add_creator(service, "ajay_shenoy")
    sign_in_with_key(page, service, key)
    page.get_by_role("link", name="Settings").click()
    modes = page.get_by_role("group", name="Approval mode").get_by_role("radio")
    assert [m.get_attribute("value") for m in modes.all()] == approval_modes()
    expect(page.get_by_role("radio", name=re.compile("^manual"))).to_be_checked()
    screenshots(page, shots, "settings")

    page.get_by_label("The agent is on").uncheck()
    page.get_by_role("checkbox", name="page view").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").first).to_contain_text("Settings saved")
    [agent] = ok(service.api.get("/agents"))["agents"]
    assert agent["enabled"] is False
    assert [t["event_type"] for t in agent["triggers"]] == [
        "service_click",
        "booking_created",
        "inbound_message",
    ]
    expect(page.get_by_role("checkbox", name="page view")).not_to_be_checked()


def test_in_auto_mode_the_creator_cancels_the_agents_message_within_the_undo_window(
    database_url: str, page: Page, shots: Path
):
    with ScriptedOpenAI([{"json": MODEL_DRAFT}]) as llm:
        env = {
            "OPENAI_API_KEY": "test-key",
            "OPENAI_BASE_URL": llm.base_url,
            "LLM_MAX_RETRIES": "0",
            "AUTO_SEND_DELAY_S": "600",
        }
        with running_service(database_url, **env) as service:
            key = add_creator(service, "ajay_shenoy")
            sign_in_with_key(page, service, key)
            page.get_by_role("link", name="Settings").click()
            page.get_by_role("radio", name=re.compile("^auto")).check()
            page.get_by_role("button", name="Save settings").click()
            expect(page.get_by_role("status").first).to_contain_text("Settings saved")
            [agent] = ok(service.api.get("/agents"))["agents"]
            assert agent["approval_mode"] == "auto"

            approval_id = draft_for(service, "ajay_shenoy", NEHA, CLICK_101)
            assert ok(service.api.get(f"/approvals/{approval_id}"))["status"] == "agent_approved"
            page.get_by_role("link", name=re.compile("^Waiting")).click()
            sending = page.get_by_role("region", name="Approved by the agent, sending soon")
            expect(sending).to_contain_text("maps your next role")
            screenshots(page, shots, "undo-window")
            sending.get_by_role("button", name="Cancel", exact=True).click()
            expect(page.get_by_role("status").first).to_contain_text("will not be sent")
            assert ok(service.api.get(f"/approvals/{approval_id}"))["status"] == "cancelled"
            assert ok(service.api.get("/messages"))["messages"] == []

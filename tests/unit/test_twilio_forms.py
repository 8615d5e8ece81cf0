"""Reading Twilio's webhook forms and checking their signatures (no I/O)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from domain.opt_out import is_opt_out, is_sender_stop
from domain.twilio_forms import (
    FormRefused,
    inbound_message,
    parse_form,
    status_report,
)
from server.config_warnings import config_warnings
from server.settings import Settings
from server.twilio_signature import SignatureRefused, check_signature

SID = "SM" + "0123456789abcdef" * 2
INBOUND = {
    "MessageSid": SID,
    "From": "whatsapp:+919876543210",
    "To": "whatsapp:+14155238886",
    "Body": "Is the cohort still open?",
    "NumMedia": "0",
}
URL = "https://agents.example.com/webhooks/twilio/whatsapp"


def form(**fields: str) -> list[tuple[str, str]]:
    return parse_form(urlencode(fields).encode())


def test_an_inbound_message_is_read_from_its_form():
    message = inbound_message(form(**INBOUND))
    assert (message.message_sid, message.from_number, message.to_number) == (
        SID,
        "+919876543210",
        "+14155238886",
    )
    assert (message.text, message.media_count) == ("Is the cohort still open?", 0)


def test_a_media_message_without_text_is_a_message():
    message = inbound_message(form(**{**INBOUND, "Body": "", "NumMedia": "2"}))
    assert (message.text, message.media_count) == ("", 2)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"MessageSid": "SM123"}, "MessageSid"),
        ({"From": "+919876543210"}, "From"),
        ({"To": "whatsapp:14155238886"}, "To"),
        ({"Body": "", "NumMedia": "0"}, "neither a Body nor media"),
        ({"NumMedia": "-1"}, "NumMedia"),
        ({"Body": "x" * 5000}, "Body"),
    ],
)
def test_a_bad_inbound_form_is_refused_saying_what_is_wrong(change, says):
    with pytest.raises(FormRefused, match=says):
        inbound_message(form(**{**INBOUND, **change}))


def test_a_field_given_twice_or_a_missing_one_is_refused():
    twice = parse_form((urlencode(INBOUND) + "&MessageSid=" + SID).encode())
    with pytest.raises(FormRefused, match="2 times"):
        inbound_message(twice)
    with pytest.raises(FormRefused, match="MessageSid is missing"):
        inbound_message(form(**{k: v for k, v in INBOUND.items() if k != "MessageSid"}))


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"\xff\xfe", "UTF-8"),
        (b"a=1&&b=2", "form"),
        (b"a=%00", "NUL"),
        ("&".join(f"f{i}=1" for i in range(300)).encode(), "more than 200 fields"),
    ],
)
def test_a_body_that_is_no_form_is_refused(body, says):
    with pytest.raises(FormRefused, match=says):
        parse_form(body)


def test_a_status_callback_is_read_with_its_error_code_and_number():
    report = status_report(
        form(
            MessageSid=SID,
            MessageStatus="failed",
            ErrorCode="21610",
            To="whatsapp:+919876543210",
        )
    )
    assert (report.status, report.error_code, report.to_number) == (
        "failed",
        "21610",
        "+919876543210",
    )
    # Older callbacks name the status SmsStatus only; an SMS number is no WhatsApp lead's.
    older = status_report(form(MessageSid=SID, SmsStatus="delivered", To="+15550001111"))
    assert (older.status, older.error_code, older.to_number) == ("delivered", None, None)


@pytest.mark.parametrize(
    "fields",
    [
        {"MessageSid": SID},
        {"MessageSid": SID, "MessageStatus": "teleported"},
        {"MessageSid": SID, "MessageStatus": "failed", "ErrorCode": "abc"},
    ],
)
def test_a_bad_status_callback_is_refused(fields):
    with pytest.raises(FormRefused):
        status_report(form(**fields))


@pytest.mark.parametrize(
    ("text", "sender_stop", "opt_out"),
    [
        ("STOP", True, True),
        ("  stop. ", True, True),
        ("StopAll", True, True),
        ("unsubscribe", True, True),
        ("END", True, True),
        ("quit", True, True),
        ("cancel", True, True),
        ("not interested, thanks", False, True),
        ("please stop messaging me", False, True),
        ("when does it end?", False, False),
        ("", False, False),
    ],
)
def test_twilios_keywords_stop_the_sender_and_refusals_opt_out(text, sender_stop, opt_out):
    assert (is_sender_stop(text), is_opt_out(text)) == (sender_stop, opt_out)


def settings(**values) -> Settings:
    base = {
        "database_url": "postgresql://localhost/x",
        "twilio_account_sid": "AC" + "0" * 32,
        "twilio_auth_token": "token",
        "twilio_whatsapp_from": "whatsapp:+14155238886",
        "public_base_url": "https://agents.example.com/",
    }
    return Settings(_env_file=None, **{**base, **values})


def signed(url: str = URL, token: str = "token") -> tuple[list[tuple[str, str]], str]:
    return form(**INBOUND), RequestValidator(token).compute_signature(url, INBOUND)


def test_twilios_signature_over_the_public_url_is_accepted():
    pairs, signature = signed()
    check_signature(settings(), "/webhooks/twilio/whatsapp", pairs, signature)


@pytest.mark.parametrize(
    ("values", "url", "token", "says"),
    [
        ({}, URL, "other-token", "does not match"),
        ({}, "http://10.0.0.5:8000/webhooks/twilio/whatsapp", "token", "does not match"),
        ({"public_base_url": None}, URL, "token", "PUBLIC_BASE_URL"),
        (
            {"twilio_account_sid": None, "twilio_auth_token": None, "twilio_whatsapp_from": None},
            URL,
            "token",
            "not configured",
        ),
    ],
)
def test_a_signature_that_is_not_twilios_for_this_url_is_refused(values, url, token, says):
    pairs, signature = signed(url, token)
    with pytest.raises(SignatureRefused, match=says):
        check_signature(settings(**values), "/webhooks/twilio/whatsapp", pairs, signature)


def test_a_missing_signature_or_a_changed_field_is_refused():
    pairs, signature = signed()
    with pytest.raises(SignatureRefused, match="missing"):
        check_signature(settings(), "/webhooks/twilio/whatsapp", pairs, None)
    changed = [(k, "STOP" if k == "Body" else v) for k, v in pairs]
    with pytest.raises(SignatureRefused, match="does not match"):
        check_signature(settings(), "/webhooks/twilio/whatsapp", changed, signature)


def test_whatsapp_without_a_public_address_is_warned_about():
    assert not any("PUBLIC_BASE_URL" in w for w in config_warnings(settings()))
    warned = config_warnings(settings(public_base_url=None))
    assert any("PUBLIC_BASE_URL" in w and "/webhooks/twilio/status" in w for w in warned)

"""How each way a provider call can fail is classified, through the real twilio and boto3
clients against local servers: certainly not sent (a retry is safe), maybe sent (a retry
could send twice) or refused (a retry cannot help)."""

from __future__ import annotations

import pytest

from tests.standins.http import port_that_never_accepts, port_that_never_answers
from tests.standins.twilio_server import TwilioStandIn
from tools.channels import OutgoingMessage, SendError
from tools.email import SesEmail
from tools.whatsapp import TwilioWhatsApp

MESSAGE = OutgoingMessage(message_id="m1", to="+919876543210", body="Hi Neha", subject="Hello")
TIMEOUT_S = 0.5


def whatsapp(base_url: str) -> TwilioWhatsApp:
    return TwilioWhatsApp.from_credentials(
        "AC" + "0" * 32,
        "token",
        "whatsapp:+14155238886",
        timeout_s=TIMEOUT_S,
        max_concurrency=2,
        api_base_url=base_url,
    )


def email(endpoint_url: str, monkeypatch) -> SesEmail:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return SesEmail.from_settings(
        "maya@creators.example",
        "us-east-1",
        timeout_s=TIMEOUT_S,
        max_concurrency=2,
        endpoint_url=endpoint_url,
    )


async def failure_of(transport, close: bool = True) -> SendError:
    try:
        with pytest.raises(SendError) as raised:
            await transport.send(MESSAGE)
    finally:
        if close:
            transport.close()
    return raised.value


def outcome(error: SendError) -> str:
    if error.permanent:
        return "refused"
    return "maybe sent" if error.maybe_sent else "not sent"


async def test_twilio_connection_refused_is_not_sent_and_goes_through_once_it_listens():
    with TwilioStandIn(listening=False) as twilio:
        transport = whatsapp(twilio.url)
        error = await failure_of(transport, close=False)
        assert outcome(error) == "not sent", error
        twilio.start_listening()
        receipt = await transport.send(MESSAGE)
        transport.close()
    assert receipt.status == "sent"
    assert [m["sid"] for m in twilio.messages] == [receipt.provider_message_id]


async def test_twilio_unknown_host_is_not_sent():
    error = await failure_of(whatsapp("http://api.twilio.invalid"))
    assert outcome(error) == "not sent", error


async def test_twilio_connect_timeout_is_not_sent():
    with port_that_never_accepts() as port:
        error = await failure_of(whatsapp(f"http://127.0.0.1:{port}"))
    assert outcome(error) == "not sent", error


async def test_twilio_tls_handshake_failure_is_not_sent():
    with TwilioStandIn() as twilio:  # speaks plain HTTP: the TLS handshake fails
        error = await failure_of(whatsapp(twilio.url.replace("http://", "https://")))
    assert outcome(error) == "not sent", error
    assert twilio.messages == []


async def test_twilio_tls_handshake_without_answer_is_not_sent():
    with port_that_never_answers() as port:
        error = await failure_of(whatsapp(f"https://127.0.0.1:{port}"))
    assert outcome(error) == "not sent", error


async def test_twilio_taking_the_message_without_answering_is_maybe_sent():
    with TwilioStandIn() as twilio:
        twilio.start_holding()
        error = await failure_of(whatsapp(twilio.url))
    assert outcome(error) == "maybe sent", error
    assert len(twilio.messages) == 1  # it was taken: a retry would have sent it twice


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, 20429, "not sent"),
        (503, 20503, "not sent"),
        (500, 20500, "maybe sent"),
        (502, 20500, "maybe sent"),
        (504, 20504, "maybe sent"),
        (400, 21610, "refused"),
        (401, 20003, "refused"),
    ],
)
async def test_twilio_error_answers(status, code, expected):
    with TwilioStandIn() as twilio:
        twilio.fail_next(status, code)
        error = await failure_of(whatsapp(twilio.url))
    assert outcome(error) == expected, error
    assert error.code == str(code)


async def test_ses_connection_refused_is_not_sent(monkeypatch):
    with TwilioStandIn(listening=False) as closed:  # a taken port nobody listens on
        error = await failure_of(email(closed.url, monkeypatch))
    assert outcome(error) == "not sent", error


async def test_ses_connect_timeout_is_not_sent(monkeypatch):
    with port_that_never_accepts() as port:
        error = await failure_of(email(f"http://127.0.0.1:{port}", monkeypatch))
    assert outcome(error) == "not sent", error


async def test_ses_without_answer_is_maybe_sent(monkeypatch):
    with port_that_never_answers() as port:
        error = await failure_of(email(f"http://127.0.0.1:{port}", monkeypatch))
    assert outcome(error) == "maybe sent", error


async def test_ses_tls_handshake_failure_is_not_sent(monkeypatch):
    with TwilioStandIn() as plain_http:
        error = await failure_of(email(plain_http.url.replace("http://", "https://"), monkeypatch))
    assert outcome(error) == "not sent", error


async def test_ses_tls_handshake_without_answer_is_not_sent(monkeypatch):
    with port_that_never_answers() as port:
        error = await failure_of(email(f"https://127.0.0.1:{port}", monkeypatch))
    assert outcome(error) == "not sent", error

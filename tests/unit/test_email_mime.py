"""The MIME message SES sends: both unsubscribe headers, readable as written, and the
unsubscribe and postal address lines under the text."""

from __future__ import annotations

import email
from email import policy

from tools.channels import OutgoingMessage
from tools.email_mime import mime_message

URL = "https://agents.example.com/unsubscribe/u1.bWF5YV9saWZ0cw.Yy0yMDAx.AAAAAAAAAAAAAAAAAAAAAA"
MAILTO = "mailto:unsubscribe@creators.example?subject=unsubscribe%20u1.x.y.z"


def parsed(message: OutgoingMessage) -> email.message.EmailMessage:
    return email.message_from_bytes(
        mime_message("maya@creators.example", message), policy=policy.default
    )


def test_headers_and_footer():
    mime = parsed(
        OutgoingMessage(
            message_id="m1",
            to="chris.walker@example.com",
            body="Hi Chris, ünïcode too.",
            subject="Your form check\ncall",
            unsubscribe_url=URL,
            unsubscribe_mailto=MAILTO,
            postal_address="Maya Lifts\n12 Main St, Springfield",
        )
    )
    assert mime["List-Unsubscribe"] == f"<{URL}>, <{MAILTO}>"
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mime["Subject"] == "Your form check call"
    assert mime["To"] == "chris.walker@example.com"
    text = mime.get_content().replace("\r\n", "\n")
    assert text.startswith("Hi Chris, ünïcode too.\n\n-- \n")
    assert f"unsubscribe: {URL}" in text
    assert text.rstrip().endswith("Maya Lifts\n12 Main St, Springfield")


def test_raw_headers_are_not_encoded_words():
    raw = mime_message(
        "maya@creators.example",
        OutgoingMessage("m1", "c@example.com", "Hi", "S", unsubscribe_url=URL + "A" * 200),
    )
    line = next(x for x in raw.split(b"\r\n") if x.startswith(b"List-Unsubscribe:"))
    assert line == b"List-Unsubscribe: <" + URL.encode() + b"A" * 200 + b">"
    assert all(len(x) <= 998 for x in raw.split(b"\r\n"))


def test_a_message_without_a_footer_has_no_list_headers():
    mime = parsed(OutgoingMessage("m1", "creator@example.com", "3 drafts wait", "Digest"))
    assert mime["List-Unsubscribe"] is None and mime["List-Unsubscribe-Post"] is None
    assert mime.get_content().strip() == "3 drafts wait"

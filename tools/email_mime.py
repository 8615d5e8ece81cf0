"""The MIME message SES sends (Content.Raw): headers a mailbox provider looks for, and the
unsubscribe and postal address lines under the text."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import formatdate

from tools.channels import OutgoingMessage

# Headers are written unfolded up to SMTP's line limit: folding a List-Unsubscribe value
# (a URL has no place to break) would turn it into RFC 2047 encoded words, which no
# mailbox reads as a link. The body is encoded (quoted-printable, 76 columns) when set.
HEADER_POLICY = policy.SMTP.clone(max_line_length=998)
ONE_CLICK = "List-Unsubscribe=One-Click"


def one_line(text: str) -> str:
    """A header value: a subject a creator edited may hold line breaks."""
    return " ".join(text.split())


def footer_lines(message: OutgoingMessage) -> list[str]:
    """What follows the text of an email to a lead: how to unsubscribe, and from whom."""
    if not message.unsubscribe_url:
        return []
    lines = ["-- ", f"To get no more of these emails, unsubscribe: {message.unsubscribe_url}"]
    if message.postal_address:
        lines.extend(line.strip() for line in message.postal_address.splitlines() if line.strip())
    return lines


def text_with_footer(message: OutgoingMessage) -> str:
    footer = footer_lines(message)
    if not footer:
        return message.body
    return message.body.rstrip() + "\n\n" + "\n".join(footer) + "\n"


def list_unsubscribe(message: OutgoingMessage) -> str | None:
    """RFC 2369 List-Unsubscribe: the https link (RFC 8058 one-click) and the mailto."""
    targets = [t for t in (message.unsubscribe_url, message.unsubscribe_mailto) if t]
    return ", ".join(f"<{t}>" for t in targets) if targets else None


def mime_message(from_address: str, message: OutgoingMessage) -> bytes:
    mime = EmailMessage(policy=policy.SMTP)
    mime["From"] = from_address
    mime["To"] = message.to
    mime["Subject"] = one_line(message.subject or "")
    mime["Date"] = formatdate(usegmt=True)
    header = list_unsubscribe(message)
    if header:
        mime["List-Unsubscribe"] = header
        if message.unsubscribe_url:
            mime["List-Unsubscribe-Post"] = ONE_CLICK
    mime.set_content(text_with_footer(message), charset="utf-8", cte="quoted-printable")
    return mime.as_bytes(policy=HEADER_POLICY)

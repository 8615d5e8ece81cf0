"""The unsubscribe link and mailto in every email to a lead, and the postal address line.

The link is `{PUBLIC_BASE_URL}/unsubscribe/{token}` (domain/unsubscribe_tokens.py), signed
with a key the first start made and stored in the database (service_secrets), so every API
replica and worker signs and checks the same way with nothing to configure.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.unsubscribe_tokens import sign
from tools.sales_store import EmailFooter

SECRET_NAME = "unsubscribe_links"
PATH = "/unsubscribe/"
# The subject of a mail to the mailto address: the token after it says who (an SES
# receipt rule publishing to /webhooks/ses turns it into an opt-out).
MAILTO_SUBJECT = "unsubscribe"


@dataclass(frozen=True)
class UnsubscribeLinks:
    secret: bytes
    base_url: str | None  # PUBLIC_BASE_URL; None: emails carry no footer (outbox only)
    mailbox: str | None = None  # UNSUBSCRIBE_EMAIL (default SES_FROM_EMAIL)
    default_postal_address: str | None = None  # SENDER_POSTAL_ADDRESS

    def token(self, creator_id: str, consumer_id: str) -> str:
        return sign(self.secret, creator_id, consumer_id)

    def footer(
        self, creator_id: str, consumer_id: str, postal_address: str | None
    ) -> EmailFooter | None:
        if not self.base_url:
            return None
        token = self.token(creator_id, consumer_id)
        mailto = (
            f"mailto:{self.mailbox}?subject={MAILTO_SUBJECT}%20{token}" if self.mailbox else None
        )
        return EmailFooter(
            unsubscribe_url=f"{self.base_url.rstrip('/')}{PATH}{token}",
            unsubscribe_mailto=mailto,
            postal_address=postal_address or self.default_postal_address,
        )

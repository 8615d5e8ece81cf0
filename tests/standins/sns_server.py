"""Amazon SNS as the service meets it: a server for signing certificates and subscription
confirmations (SNS_BASE_URL points the service here), and messages signed as SNS signs them,
with a key and certificate made here (AWS's own key is not ours to use)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from server.sns_signatures import canonical_string
from tests.standins.http import QuietHandler, StandIn

REGION = "us-east-1"
TOPIC_ARN = f"arn:aws:sns:{REGION}:123456789012:ses-notifications"
CERT_PATH = "/SimpleNotificationService-standin.pem"
CERT_URL = f"https://sns.{REGION}.amazonaws.com{CERT_PATH}"


def sns_time() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def self_signed(common_name: str = "sns.amazonaws.com") -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


def sign(key: rsa.RSAPrivateKey, fields: dict[str, str], version: str = "1") -> dict[str, str]:
    """The message with SignatureVersion and Signature, as SNS would send it."""
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(canonical_string(fields), padding.PKCS1v15(), digest)
    return {
        **fields,
        "SignatureVersion": version,
        "Signature": base64.b64encode(signature).decode(),
    }


class SnsStandIn(StandIn):
    """Serves the certificate at CERT_PATH; `confirmations` lists the SubscribeURL paths
    visited; `fetches` counts certificate downloads."""

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.key, self.certificate = self_signed()
        self.confirmations: list[str] = []
        self.fetches = 0

    def notification(
        self,
        ses: dict[str, Any],
        *,
        topic_arn: str = TOPIC_ARN,
        cert_url: str = CERT_URL,
        version: str = "1",
        subject: str | None = None,
    ) -> dict[str, str]:
        fields = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Message": json.dumps(ses),
            "Timestamp": sns_time(),
            "SigningCertURL": cert_url,
            "UnsubscribeURL": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe",
        }
        if subject is not None:
            fields["Subject"] = subject
        return sign(self.key, fields, version)

    def subscription_confirmation(self, topic_arn: str = TOPIC_ARN) -> dict[str, str]:
        token = uuid.uuid4().hex
        fields = {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": token,
            "TopicArn": topic_arn,
            "Message": f"You have chosen to subscribe to the topic {topic_arn}.",
            "SubscribeURL": f"https://sns.{REGION}.amazonaws.com/?Action=ConfirmSubscription"
            f"&TopicArn={topic_arn}&Token={token}",
            "Timestamp": sns_time(),
            "SigningCertURL": CERT_URL,
        }
        return sign(self.key, fields)


class _Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802
        standin: SnsStandIn = self.server.standin  # type: ignore[attr-defined]
        if self.path == CERT_PATH:
            standin.fetches += 1
            body = standin.certificate
        elif self.path.startswith("/?Action=ConfirmSubscription"):
            standin.confirmations.append(self.path)
            body = b"<ConfirmSubscriptionResponse/>"
        else:
            self.send_json(404, b"{}")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def bounce(address: str, ses_message_id: str, bounce_type: str = "Permanent") -> dict[str, Any]:
    """An SES bounce notification as SNS carries it."""
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address, "status": "5.1.1"}],
            "timestamp": "2026-11-04T15:01:00.000Z",
            "feedbackId": uuid.uuid4().hex,
        },
        "mail": {"messageId": ses_message_id, "destination": [address]},
    }


def complaint(address: str, ses_message_id: str) -> dict[str, Any]:
    return {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": address}],
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-11-04T15:02:00.000Z",
            "feedbackId": uuid.uuid4().hex,
        },
        "mail": {"messageId": ses_message_id, "destination": [address]},
    }


def delivery(address: str, ses_message_id: str) -> dict[str, Any]:
    """An SES event-publishing delivery event (eventType, not notificationType)."""
    return {
        "eventType": "Delivery",
        "delivery": {"recipients": [address], "timestamp": "2026-11-04T15:00:05.000Z"},
        "mail": {"messageId": ses_message_id, "destination": [address]},
    }

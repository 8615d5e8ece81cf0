"""The SNS signature check: the canonical string SNS signs, both signature versions, and
certificate URLs on SNS hosts only."""

from __future__ import annotations

import base64
import json

import pytest

from server.sns_signatures import (
    SnsRefused,
    canonical_string,
    is_sns_url,
    parse_message,
    public_key_of,
    signature_matches,
)
from tests.standins.sns_server import self_signed, sign


def test_canonical_string_of_a_notification():
    fields = {
        "Type": "Notification",
        "MessageId": "m-1",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
        "Subject": "Hello",
        "Message": "{}",
        "Timestamp": "2026-11-04T15:00:00.000Z",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/c.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    assert canonical_string(fields) == (
        b"Message\n{}\nMessageId\nm-1\nSubject\nHello\n"
        b"Timestamp\n2026-11-04T15:00:00.000Z\n"
        b"TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n"
    )
    del fields["Subject"]  # no Subject: left out, not written empty
    assert b"Subject" not in canonical_string(fields)


def test_canonical_string_of_a_subscription_confirmation():
    fields = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "m-2",
        "Token": "tok",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
        "Message": "confirm",
        "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
        "Timestamp": "2026-11-04T15:00:00.000Z",
        "Subject": "not signed for this type",
    }
    assert canonical_string(fields) == (
        b"Message\nconfirm\nMessageId\nm-2\n"
        b"SubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\n"
        b"Timestamp\n2026-11-04T15:00:00.000Z\nToken\ntok\n"
        b"TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nSubscriptionConfirmation\n"
    )


@pytest.mark.parametrize("version", ["1", "2"])
def test_both_signature_versions_verify_and_a_change_breaks_them(version):
    key, pem = self_signed()
    fields = {
        "Type": "Notification",
        "MessageId": "m-3",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
        "Message": json.dumps({"notificationType": "Delivery"}),
        "Timestamp": "2026-11-04T15:00:00.000Z",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/c.pem",
    }
    signed = sign(key, fields, version)
    public = public_key_of(pem)
    signature = base64.b64decode(signed["Signature"])
    assert signature_matches(public, version, signature, canonical_string(signed))
    changed = {**signed, "Message": json.dumps({"notificationType": "Bounce"})}
    assert not signature_matches(public, version, signature, canonical_string(changed))
    other = "2" if version == "1" else "1"
    assert not signature_matches(public, other, signature, canonical_string(signed))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem", True),
        ("https://sns.eu-west-2.amazonaws.com/x.pem", True),
        ("https://sns.cn-north-1.amazonaws.com.cn/x.pem", True),
        ("http://sns.us-east-1.amazonaws.com/x.pem", False),
        ("https://sns.us-east-1.amazonaws.com.evil.example/x.pem", False),
        ("https://evil.example/sns.us-east-1.amazonaws.com/x.pem", False),
        ("https://sns.us-east-1.amazonaws.com:8443/x.pem", False),
        ("https://user@sns.us-east-1.amazonaws.com/x.pem", False),
        ("https://s3.amazonaws.com/x.pem", False),
        ("https://sns.amazonaws.com/x.pem", False),
        ("https://[::1/x.pem", False),
        ("", False),
    ],
)
def test_certificates_come_from_sns_hosts_only(url, ok):
    assert is_sns_url(url) is ok


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"Type": "Other"}',
        b'{"Type": "Notification", "MessageId": 1}',
        b"\xff\xfe",
    ],
)
def test_malformed_messages_are_400(body):
    with pytest.raises(SnsRefused) as refused:
        parse_message(body)
    assert refused.value.status == 400

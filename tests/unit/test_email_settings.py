"""Email goes out only with a working unsubscribe and a postal address: the service refuses
to start with SES configured and either missing, and says what to set."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.config_warnings import config_warnings
from server.settings import Settings

SES = {"ses_from_email": "maya@creators.example"}
COMPLETE = {
    **SES,
    "public_base_url": "https://agents.example.com",
    "sender_postal_address": "Creator Marketplace, 1 Market St, San Francisco",
}


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({**COMPLETE, "public_base_url": None}, "PUBLIC_BASE_URL"),
        ({**COMPLETE, "public_base_url": "http://agents.example.com"}, "https"),
        ({**COMPLETE, "sender_postal_address": None}, "SENDER_POSTAL_ADDRESS"),
        ({**COMPLETE, "sender_postal_address": "   "}, "SENDER_POSTAL_ADDRESS"),
        ({**COMPLETE, "unsubscribe_email": "not an address"}, "UNSUBSCRIBE_EMAIL"),
        ({**COMPLETE, "ses_sns_topic_arns": "my-topic"}, "SES_SNS_TOPIC_ARNS"),
        ({**COMPLETE, "sns_base_url": "localhost:9000"}, "SNS_BASE_URL"),
    ],
)
def test_email_without_what_it_needs_is_refused(values, says):
    with pytest.raises(ValidationError, match=says):
        settings(**values)


def test_complete_email_settings_and_their_defaults():
    ready = settings(**COMPLETE, ses_sns_topic_arns="arn:aws:sns:us-east-1:123456789012:a, ")
    assert ready.sns_topic_arns == ["arn:aws:sns:us-east-1:123456789012:a"]
    assert ready.unsubscribe_mailbox == "maya@creators.example"  # SES_FROM_EMAIL by default
    assert config_warnings(ready) == []
    assert settings(**COMPLETE, unsubscribe_email="out@creators.example").unsubscribe_mailbox == (
        "out@creators.example"
    )


def test_email_without_sns_topics_starts_with_a_warning():
    assert "SES_SNS_TOPIC_ARNS" in config_warnings(settings(**COMPLETE))[0]


def test_the_outbox_needs_none_of_it():
    outbox = settings()
    assert not outbox.email_configured and config_warnings(outbox) == []

"""Settings errors say what to fix."""

from __future__ import annotations

import pytest

from server.settings import Settings, load_settings


def test_partial_twilio_credentials_are_refused(monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    with pytest.raises(SystemExit, match="TWILIO_AUTH_TOKEN"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PORT", "eighty", "PORT"),
        ("CREATOR_API_BASE_URL", "marketplace.example", "CREATOR_API_BASE_URL must be an http"),
        ("TWILIO_WHATSAPP_FROM", "+14155238886", "whatsapp:+"),
    ],
)
def test_bad_values_name_the_setting(monkeypatch, name, value, says):
    monkeypatch.setenv(name, value)
    if name == "TWILIO_WHATSAPP_FROM":
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    with pytest.raises(SystemExit, match=says):
        load_settings()


def test_defaults_need_no_environment(monkeypatch):
    for name in ("PORT", "DATABASE_URL", "OPENAI_API_KEY", "TWILIO_ACCOUNT_SID"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.port == 8000 and settings.database_url is None
    assert not settings.llm_configured and not settings.whatsapp_configured

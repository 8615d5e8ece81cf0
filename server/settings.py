"""All configuration in one place, read from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SNS_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}")


class Settings(BaseSettings):
    # An empty value (`TWILIO_ACCOUNT_SID=` in .env) means unset, as it does to a reader.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    # Service
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    # Database: with DATABASE_URL unset an embedded Postgres runs in DATA_DIR.
    database_url: str | None = None
    data_dir: Path = Path(".data")
    db_pool_max_size: int = Field(10, ge=2, le=200)

    # The admin API key. Unset: the first start creates one, prints it once and writes it to
    # DATA_DIR/admin_api_key. Set: this key is the admin key (at least 24 characters).
    admin_api_key: SecretStr | None = Field(None, min_length=24)

    # The creator's web inbox (/inbox): how long a browser stays signed in, how long a
    # one-time sign-in link stays usable, and the address creators reach the service at
    # (for sign-in links; unset: the address the request for the link came to).
    inbox_session_hours: float = Field(12.0, gt=0, le=24 * 30)
    sign_in_link_minutes: float = Field(15.0, gt=0, le=24 * 60)
    public_base_url: str | None = None

    # Digests to creators whose drafts wait (each creator chooses an address, or none): at
    # most one per NOTIFY_EVERY_MIN minutes, with a sign-in link usable once within
    # NOTIFY_LINK_HOURS.
    notify_every_min: float = Field(60.0, ge=1, le=7 * 24 * 60)
    notify_link_hours: float = Field(24.0, gt=0, le=7 * 24)

    # Retention (an hourly job): a thread keeps its latest checkpoint and those younger than
    # this; events, messages and the audit log are kept as the history.
    checkpoint_keep_days: float = Field(7.0, ge=0, le=3650)

    # Worker: `make run` runs one inside the API process; `python -m server.worker` runs more.
    run_worker: bool = True
    worker_concurrency: int = Field(8, ge=1, le=100)
    # A job whose worker has sent no heartbeat for this long is retried by another worker.
    worker_stalled_after_s: float = Field(30.0, gt=0)
    # A standalone worker writes its id here for its health check (`server.worker --check`).
    worker_id_file: Path = Path(tempfile.gettempdir()) / "creator-agents-worker.id"

    # A draft the agent approved itself (approval modes semi_auto and auto) is sent this many
    # seconds later; until then the creator can cancel it (POST /approvals/{id}/cancel).
    auto_send_delay_s: float = Field(120.0, ge=0, le=86_400)

    # Sending rules a new agent starts with (each agent can change its own): quiet hours in
    # the lead's time zone as HH:MM-HH:MM ("off": none; default 21:00-08:00), and the caps on
    # sales outreach per lead per day and week and per creator per day.
    default_quiet_hours: str = Field("21:00-08:00", pattern=r"^(off|\d{2}:\d{2}-\d{2}:\d{2})$")
    default_max_per_lead_per_day: int = Field(1, ge=0, le=1000)
    default_max_per_lead_per_week: int = Field(2, ge=0, le=10_000)
    default_max_per_creator_per_day: int = Field(200, ge=0, le=1_000_000)

    # The marketplace API that onboarding fetches creator data from.
    creator_api_base_url: str | None = None
    creator_api_timeout_s: float = Field(5.0, gt=0)
    creator_api_attempts: int = Field(3, ge=1, le=10)

    # Drafting model (any OpenAI-compatible endpoint). No key: the template drafter writes drafts.
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_max_retries: int = Field(1, ge=0, le=5)
    # A second model call judges what in a draft is not a fact; off (or no model): the
    # lexicon alone.
    draft_judge: Literal["on", "off"] = "on"

    # Every Twilio and SES call: the limit for connecting and for waiting on an answer, and
    # how many calls run at once per provider (each on its own threads, so a provider that
    # hangs holds only those). No answer within the timeout marks the message unconfirmed.
    provider_timeout_s: float = Field(10.0, gt=0, le=120)
    provider_concurrency: int = Field(4, ge=1, le=64)

    # WhatsApp through Twilio. Without credentials messages go to the outbox.
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str | None = None
    # Approved WhatsApp template for sends outside the 24 hour customer-service window.
    twilio_whatsapp_template_sid: str | None = None
    # Only for stand-ins and regional edges; the SDK default is Twilio's public API.
    twilio_api_base_url: str | None = None

    # Email through AWS SES (sesv2). Credentials come from the usual AWS chain.
    ses_from_email: str | None = None
    aws_region: str = "us-east-1"
    ses_endpoint_url: str | None = None
    ses_configuration_set: str | None = None
    # Every email to a lead carries an unsubscribe link ({PUBLIC_BASE_URL}/unsubscribe/...,
    # so sending email needs PUBLIC_BASE_URL on https), a mailto to UNSUBSCRIBE_EMAIL
    # (default SES_FROM_EMAIL) and a postal address: the creator's agent's postal_address,
    # else this one (sending email needs it).
    sender_postal_address: str | None = Field(None, max_length=500)
    unsubscribe_email: str | None = None
    # Bounces, complaints and deliveries come from SES through SNS to /webhooks/ses, only
    # from these topics (comma-separated ARNs); unset: every notification is refused.
    ses_sns_topic_arns: str | None = None
    # Only for stand-ins: SNS certificates and subscription confirmations are fetched from
    # here instead of the sns.<region>.amazonaws.com host the message names (still checked).
    sns_base_url: str | None = None

    @model_validator(mode="after")
    def _channel_settings_are_complete(self) -> Settings:
        twilio = [self.twilio_account_sid, self.twilio_auth_token, self.twilio_whatsapp_from]
        if any(twilio) and not all(twilio):
            raise ValueError(
                "WhatsApp needs all of TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_WHATSAPP_FROM (or none of them to use the outbox)"
            )
        for name in (
            "public_base_url",
            "creator_api_base_url",
            "openai_base_url",
            "twilio_api_base_url",
            "ses_endpoint_url",
            "sns_base_url",
        ):
            value = getattr(self, name)
            if value and not value.startswith(("http://", "https://")):
                raise ValueError(f"{name.upper()} must be an http(s) URL, got {value!r}")
        if self.twilio_whatsapp_from and not self.twilio_whatsapp_from.startswith("whatsapp:+"):
            raise ValueError("TWILIO_WHATSAPP_FROM must look like whatsapp:+14155238886")
        self._email_can_unsubscribe()
        mailbox = self.unsubscribe_email
        if mailbox and not re.fullmatch(r"[^@\s<>?,&]+@[^@\s<>?,&]+", mailbox):
            raise ValueError(f"UNSUBSCRIBE_EMAIL must be an email address, got {mailbox!r}")
        for arn in self.sns_topic_arns:
            if not SNS_TOPIC_ARN.fullmatch(arn):
                raise ValueError(
                    f"SES_SNS_TOPIC_ARNS holds {arn!r}, not an SNS topic ARN "
                    "(arn:aws:sns:us-east-1:123456789012:ses-notifications)"
                )
        return self

    def _email_can_unsubscribe(self) -> None:
        """Email only goes out with a working unsubscribe and a postal address: a sender
        without them is refused at start-up, not discovered in a mailbox's spam folder."""
        if not self.email_configured:
            return
        if not (self.public_base_url or "").startswith("https://"):
            raise ValueError(
                "SES_FROM_EMAIL needs PUBLIC_BASE_URL, an https URL the service is reached "
                "at: every email carries a one-click unsubscribe link to it (RFC 8058)"
            )
        if not (self.sender_postal_address or "").strip():
            raise ValueError(
                "SES_FROM_EMAIL needs SENDER_POSTAL_ADDRESS: every email carries a postal "
                "address (a creator's own, set as their agent's postal_address, else this)"
            )

    @property
    def sns_topic_arns(self) -> list[str]:
        return [a.strip() for a in (self.ses_sns_topic_arns or "").split(",") if a.strip()]

    @property
    def unsubscribe_mailbox(self) -> str | None:
        return self.unsubscribe_email or self.ses_from_email

    @property
    def agent_defaults(self) -> dict[str, object]:
        """The sending rules a new agent is deployed with (agents table columns)."""
        start, end = ("00:00", "00:00")
        if self.default_quiet_hours != "off":
            start, end = self.default_quiet_hours.split("-")
        return {
            "quiet_hours_start": start,
            "quiet_hours_end": end,
            "max_per_lead_per_day": self.default_max_per_lead_per_day,
            "max_per_lead_per_week": self.default_max_per_lead_per_week,
            "max_per_creator_per_day": self.default_max_per_creator_per_day,
        }

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None

    @property
    def whatsapp_configured(self) -> bool:
        return self.twilio_account_sid is not None

    @property
    def email_configured(self) -> bool:
        return self.ses_from_email is not None


def load_settings() -> Settings:
    """Read settings, turning validation errors into one readable message."""
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper() or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SystemExit(f"Invalid settings: {problems}") from None
    if settings.database_url is None and importlib.util.find_spec("pgserver") is None:
        raise SystemExit(
            "DATABASE_URL is unset and the embedded Postgres is not installed: set "
            "DATABASE_URL to a Postgres server, or install the embedded one with "
            "`pip install -e '.[embedded]'` (`make run` does)."
        )
    return settings

"""Settings the service runs with but should not: logged at start-up and listed by
/health/ready, so an operator sees them before a mailbox provider does."""

from __future__ import annotations

from server.settings import Settings


def config_warnings(settings: Settings) -> list[str]:
    warnings = []
    if settings.email_configured and not settings.sns_topic_arns:
        warnings.append(
            "email is sent through SES but SES_SNS_TOPIC_ARNS is unset: bounces and "
            "complaints posted to /webhooks/ses are refused, so bounced and complaining "
            "addresses are not suppressed"
        )
    if settings.whatsapp_configured and not settings.twilio_whatsapp_template_sid:
        warnings.append(
            "WhatsApp is configured without a template (TWILIO_WHATSAPP_TEMPLATE_SID): a "
            "first message to a lead who has not written in the last 24 hours is blocked "
            "(outside_window) unless the creator's agent sets whatsapp_template_sid"
        )
    if settings.whatsapp_configured and not settings.public_base_url:
        warnings.append(
            "WhatsApp is configured without PUBLIC_BASE_URL: Twilio's webhooks "
            "(/webhooks/twilio/whatsapp, /webhooks/twilio/status) are refused and sends ask for "
            "no status callbacks, so leads' replies, STOPs and delivery reports never arrive"
        )
    return warnings

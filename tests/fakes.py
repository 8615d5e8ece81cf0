"""Fakes shared by unit and integration tests (adapters only; never a client library)."""

from __future__ import annotations

from tools.drafting import TemplateDrafter

REVISED_BODY = "Hi Neha, a short note from Ajay's team."


class RevisingDrafter(TemplateDrafter):
    """A model stand-in: it drafts like the template, and after the creator's feedback it
    writes a different, fact-free message."""

    revises_with_feedback = True

    async def draft(self, request, fallback_reason=None):
        draft = await super().draft(request, fallback_reason)
        if request.feedback:
            draft.update(body=REVISED_BODY, service_ids=[])
        return {**draft, "source": "llm"}

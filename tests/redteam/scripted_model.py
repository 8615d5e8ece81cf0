"""The scripted model the red team drives the graph with: an OpenAI-compatible server that
answers each structured-output request by what is asked (a draft, a profile, anything else).

Each kind has a script: the n-th request of that kind gets the n-th answer (the last one
repeats). Any other structured request (a judge, should one be called) gets the most
permissive answer its JSON schema allows, so nothing here helps a check catch anything.
"""

from __future__ import annotations

import re
from typing import Any

from tests.standins.openai_server import ScriptedOpenAI

SLOT_ID = re.compile(r"\{\{\s*[a-z_]+\s*:\s*(\d+)\s*\}\}")


def draft_answer(channel: str, subject: str | None, body: str) -> dict[str, Any]:
    """What the drafting model answers (tools/drafting.py DraftOutput). The one place to
    adjust when the output fields change: extra keys are ignored by the parser."""
    return {
        "channel": channel,
        "subject": subject,
        "body": body,
        "service_ids": sorted({int(i) for i in SLOT_ID.findall(body)}),
        "prices_mentioned": [],
        "confidence": 0.8,
        "reasoning": "The lead visited the page; one service is the natural next step.",
    }


def _schema(request: dict[str, Any]) -> dict[str, Any]:
    response_format = request.get("response_format") or {}
    return (response_format.get("json_schema") or {}).get("schema") or {}


def kind_of(request: dict[str, Any]) -> str:
    properties = _schema(request).get("properties") or {}
    if "body" in properties:
        return "draft"
    if "summary" in properties and "sales_pitch" in properties:
        return "profile"
    return "other"


_ALL_CLEAR = re.compile(r"^(pass|passed|ok|clean|none|no|approve|approved|safe|false)$", re.I)


def permissive_answer(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """The emptiest valid value for a JSON schema: no findings, every flag false."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return permissive_answer((root.get("$defs") or {}).get(name, {}), root)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = schema[key]
            if any(o.get("type") == "null" for o in options):
                return None
            return permissive_answer(options[0], root)
    if "enum" in schema:
        return next((v for v in schema["enum"] if _ALL_CLEAR.match(str(v))), schema["enum"][0])
    kind = schema.get("type")
    if kind == "object":
        return {
            name: permissive_answer(sub, root)
            for name, sub in (schema.get("properties") or {}).items()
        }
    return {"array": [], "boolean": False, "integer": 0, "number": 0, "string": ""}.get(kind)


class RedTeamModel(ScriptedOpenAI):
    def __init__(self) -> None:
        super().__init__([])
        self.scripts: dict[str, list[dict[str, Any]]] = {}
        self.asked: dict[str, list[dict[str, Any]]] = {}

    def script(
        self,
        drafts: list[dict[str, Any]] | None = None,
        profiles: list[dict[str, Any]] | None = None,
    ) -> None:
        """Answers for the next item; forgets what was asked for the previous one."""
        with self._lock:
            self.scripts = {"draft": drafts or [], "profile": profiles or []}
            self.asked = {"draft": [], "profile": [], "other": []}

    def prompts(self, kind: str) -> list[str]:
        """The prompt text of each request of a kind, in order."""
        return [
            "\n".join(str(m.get("content", "")) for m in request.get("messages", []))
            for request in self.asked.get(kind, [])
        ]

    def next_step(self, request: dict[str, Any]) -> dict[str, Any]:
        kind = kind_of(request)
        with self._lock:
            self.requests.append(request)
            asked = self.asked.setdefault(kind, [])
            asked.append(request)
            answers = self.scripts.get(kind) or []
        if kind == "other" or not answers:
            return {"json": permissive_answer(_schema(request))}
        return {"json": answers[min(len(asked), len(answers)) - 1]}

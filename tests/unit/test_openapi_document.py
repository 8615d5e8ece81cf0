"""What /openapi.json promises an integrator, read from the app without running it: a model
for every answer, the errors each operation can give in the one error shape, closed values as
enums, and only the decisions the service accepts."""

from __future__ import annotations

from typing import Any

import pytest

from server.app import create_app
from tests.conftest import make_settings

OPEN = {"GET /health", "GET /health/ready"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(make_settings("postgresql://unused/none")).openapi()


def operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def schema_of(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_every_success_answer_is_a_model_with_named_fields(document):
    for label, operation in operations(document):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        assert successes, label
        for response in successes.values():
            schema = schema_of(document, response)
            assert schema["type"] == "object" and schema["properties"], label
            assert schema.get("additionalProperties") is not True, label


def test_every_error_is_documented_in_the_one_error_shape(document):
    for label, operation in operations(document):
        errors = {c: r for c, r in operation["responses"].items() if c[0] in "45"}
        if label in OPEN:
            assert "401" not in errors, label
            continue
        assert {"401", "422"} <= set(errors), label
        if operation.get("requestBody"):
            assert "413" in errors, label
        for code, response in errors.items():
            schema = schema_of(document, response)
            assert schema["required"] == ["detail"], (label, code)
            assert schema["properties"]["detail"]["type"] == "string", (label, code)


def test_closed_values_are_enums(document):
    schemas = document["components"]["schemas"]

    def enum(model: str, field: str) -> set[str]:
        prop = schemas[model]["properties"][field]
        options = prop.get("anyOf", [prop])
        return {value for option in options for value in option.get("enum", [])}

    assert enum("EventOut", "status") == {"queued", "processed", "failed"}
    assert enum("MessageOut", "channel") == {"whatsapp", "email"}
    assert "creator" in enum("MessageOut", "purpose")
    assert enum("ApprovalOut", "kind") == {"message", "profile"}
    assert "withdrawn" in enum("ApprovalOut", "status")
    assert "awaiting_review" in enum("OnboardingRun", "status")
    assert enum("AuditEntry", "actor") == {"agent", "creator", "system", "api"}


def test_only_the_decisions_the_service_accepts_are_advertised(document):
    schemas = document["components"]["schemas"]
    decisions = schemas["ReviewResponse"]["properties"]["decisions"]["items"]
    assert set(decisions["discriminator"]["mapping"]) == {"approve", "edit", "reject"}

"""API keys over HTTP on real Postgres: every route wants a key, creator keys stop at admin
routes, keys are shown once and stored hashed, a revoked key fails at once, and a fresh
machine gets its admin key on first start."""

from __future__ import annotations

import hashlib
import logging
import re
import stat
from typing import Any

import psycopg
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from psycopg.rows import dict_row

from server.auth import ADMIN_KEY_FILE, admin_only, issue_key
from tests.conftest import ADMIN_KEY, create_creator, running_service
from tests.tenant_helpers import caller, issue

OPEN_PATHS = {
    "/health",
    "/health/ready",
    "/docs",
    "/openapi.json",
    "/docs/oauth2-redirect",
    "/redoc",
}
# What only the marketplace's integration key may do.
ADMIN_ONLY = {
    ("POST", "/creators"),
    ("GET", "/creators"),
    ("POST", "/onboarding/"),
    ("POST", "/onboarding"),
    ("POST", "/onboarding/sync"),
    ("POST", "/onboarding/deploy-agent/{creator_id}"),
    ("POST", "/events"),
    ("POST", "/keys"),
    ("GET", "/keys"),
    ("DELETE", "/keys/{key_id}"),
    ("POST", "/creators/{creator_id}/sign-in-link"),
}
# The creator's web inbox signs in with a session cookie, not a key: its pages and forms are
# held to that in tests/integration/test_inbox_sign_in.py.
INBOX = "/inbox"
# Signed instead of keyed: a lead's unsubscribe link (its token) and provider webhooks (the
# provider's signature), held to that in test_email_unsubscribe.py and
# test_ses_notifications.py.
SIGNED = ("/unsubscribe/", "/webhooks/")


def every_route(app):
    """Every route of the app, the included routers' too (FastAPI includes them lazily)."""
    return list(iter_route_contexts(app.routes))


def guarded_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route but the open ones; each must be an API route."""
    found = []
    for route in every_route(app):
        if route.path in OPEN_PATHS or route.path.startswith((INBOX, *SIGNED)):
            continue
        assert isinstance(route.original_route, APIRoute), f"{route.path}: is it guarded?"
        found += [(method, route.path) for method in sorted(route.methods)]
    return found


def needs_admin(route) -> bool:
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        if dependant.call is admin_only:
            return True
        pending += dependant.dependencies
    return False


def filled(path: str, **values: str) -> str:
    """The path with each parameter set (to `values`, else to 'x')."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)


async def db_rows(database_url: str, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    async with await psycopg.AsyncConnection.connect(database_url, row_factory=dict_row) as conn:
        cur = await conn.execute(sql, params)
        return await cur.fetchall()


async def test_every_route_but_health_and_docs_wants_a_valid_key(database_url):
    async with running_service(database_url, run_worker=False) as client:
        routes = guarded_routes(client.app)
        assert len(routes) >= 25, routes  # a broken walk would pass with nothing to check
        headers_tried = {
            "none": None,
            "unknown": "ca_" + "x" * 43,
            "too long": "k" * 5000,
        }
        for label, key in headers_tried.items():
            async with caller(client, key) as anyone:
                for method, path in routes:
                    for body in (None, {}):
                        answer = await anyone.request(method, filled(path), json=body)
                        where = f"{method} {path} with {label} key, body {body}"
                        assert answer.status_code == 401, (where, answer.status_code, answer.text)
                        assert answer.headers.get("www-authenticate") == "Bearer", where
                        assert isinstance(answer.json()["detail"], str), where
        # Other schemes and a bare scheme are no key either.
        for header in ("Basic YWRtaW46YWRtaW4=", "Bearer", f"Token {ADMIN_KEY}", ADMIN_KEY):
            answer = await client.get("/approvals", headers={"Authorization": header})
            assert answer.status_code == 401, header
        # The open routes stay open.
        async with caller(client, None) as anyone:
            assert (await anyone.get("/health")).status_code == 200
            assert (await anyone.get("/health/ready")).status_code == 200
            assert (await anyone.get("/docs")).status_code == 200
            assert (await anyone.get("/openapi.json")).status_code == 200


async def test_the_openapi_document_declares_the_bearer_scheme_on_guarded_operations(
    database_url,
):
    async with running_service(database_url, run_worker=False) as client:
        spec = (await client.get("/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http"}
    assert {s["scheme"].lower() for s in schemes.values()} == {"bearer"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path in OPEN_PATHS:
                assert not operation.get("security"), (method, path)
            else:
                assert operation.get("security"), (method, path)


async def test_a_creator_key_is_refused_on_every_admin_route(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        key = await issue(client, "ajay_shenoy")
        admin_routes = {
            (method, route.path)
            for route in every_route(client.app)
            if isinstance(route.original_route, APIRoute) and needs_admin(route)
            for method in route.methods
        }
        assert admin_routes == ADMIN_ONLY
        async with caller(client, key["key"]) as creator:
            for method, path in sorted(admin_routes):
                # Its own creator id and a key id that exists: refused for the key, not the ids.
                url = filled(path, creator_id="ajay_shenoy", key_id=key["id"])
                answer = await creator.request(method, url, json={})
                assert answer.status_code == 403, (method, path, answer.text)
            # What a creator key may do on its own data still works.
            assert (await creator.get("/creators/ajay_shenoy")).status_code == 200
            assert (await creator.get("/approvals")).status_code == 200
        # The refused DELETE /keys/{id} revoked nothing.
        async with caller(client, key["key"]) as creator:
            assert (await creator.get("/creators/ajay_shenoy")).status_code == 200


async def test_a_key_is_shown_once_and_stored_as_its_sha256_only(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        issued = await issue(client, "ajay_shenoy", name="Ajay's inbox")
        key = issued["key"]
        assert len(key) >= 40 and issued["creator_id"] == "ajay_shenoy"
        assert issued["scope"] == "creator:ajay_shenoy" and issued["revoked_at"] is None

        listed = (await client.get("/keys")).json()["keys"]
        assert issued["id"] in {k["id"] for k in listed}
        assert key not in str(listed) and hashlib.sha256(key.encode()).hexdigest() not in str(
            listed
        )
        assert all("key" not in k and "key_hash" not in k for k in listed)
        only_ajay = (await client.get("/keys", params={"creator_id": "ajay_shenoy"})).json()
        assert [k["id"] for k in only_ajay["keys"]] == [issued["id"]]

        rows = await db_rows(database_url, "SELECT * FROM api_keys WHERE id = %s", (issued["id"],))
        assert rows[0]["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
        assert key not in str(rows)
        # Nor is the configured admin key stored in clear.
        assert ADMIN_KEY not in str(await db_rows(database_url, "SELECT * FROM api_keys"))

        # A key for a creator that does not exist is 404, and admin keys are not issued here.
        missing = await client.post("/keys", json={"creator_id": "nobody"})
        assert missing.status_code == 404
        admin = await client.post("/keys", json={"name": "another admin"})
        assert admin.status_code == 422


async def test_a_revoked_key_fails_on_its_next_request(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        first, second = await issue(client, "ajay_shenoy"), await issue(client, "ajay_shenoy")
        async with caller(client, first["key"]) as creator:
            assert (await creator.get("/approvals")).status_code == 200
            revoked = await client.delete(f"/keys/{first['id']}")
            assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
            refused = await creator.get("/approvals")
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"] == "Bearer"
        # Revoking again keeps the first time; the creator's other key still works.
        again = await client.delete(f"/keys/{first['id']}")
        assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
        assert (await client.delete("/keys/no-such-key")).status_code == 404
        async with caller(client, second["key"]) as creator:
            assert (await creator.get("/approvals")).status_code == 200
        listed = {k["id"]: k for k in (await client.get("/keys")).json()["keys"]}
        assert listed[first["id"]]["revoked_at"] is not None
        assert listed[second["id"]]["revoked_at"] is None


async def test_the_first_start_creates_an_admin_key_once(database_url, tmp_path, caplog):
    data_dir = tmp_path / "data"
    with caplog.at_level(logging.WARNING, logger="creator_agents"):
        async with running_service(
            database_url, run_worker=False, admin_api_key=None, data_dir=data_dir
        ) as client:
            key_file = data_dir / ADMIN_KEY_FILE
            key = key_file.read_text().strip()
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            assert caplog.text.count(key) == 1  # printed once, for the person starting it
            async with caller(client, key) as admin:
                assert (await admin.get("/creators")).status_code == 200
            # The test client's usual key was never configured here.
            assert (await client.get("/creators")).status_code == 401
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="creator_agents"):
        async with running_service(
            database_url, run_worker=False, admin_api_key=None, data_dir=data_dir
        ) as client:
            async with caller(client, key) as admin:
                assert (await admin.get("/creators")).status_code == 200
    assert key_file.read_text().strip() == key
    assert "Created the admin API key" not in caplog.text
    admin_keys = await db_rows(database_url, "SELECT * FROM api_keys WHERE scope = 'admin'")
    assert len(admin_keys) == 1


async def test_a_configured_admin_key_is_used_and_nothing_is_written(database_url, tmp_path):
    data_dir = tmp_path / "data"
    async with running_service(database_url, run_worker=False, data_dir=data_dir) as client:
        assert (await client.get("/creators")).status_code == 200
    async with running_service(database_url, run_worker=False, data_dir=data_dir) as client:
        assert (await client.get("/creators")).status_code == 200
    assert not (data_dir / ADMIN_KEY_FILE).exists()
    admin_keys = await db_rows(database_url, "SELECT * FROM api_keys WHERE scope = 'admin'")
    assert len(admin_keys) == 1  # registered once, not once per start


async def test_a_revoked_admin_api_key_is_not_brought_back_by_a_restart(database_url, tmp_path):
    async with running_service(database_url, run_worker=False, data_dir=tmp_path) as client:
        await create_creator(client, "ajay_shenoy")
        listed = (await client.get("/keys")).json()["keys"]
        (admin,) = [k for k in listed if k["scope"] == "admin"]
        # A key cannot revoke itself: another admin key does it.
        assert (await client.delete(f"/keys/{admin['id']}")).status_code == 409
        async with client.app.state.services.pool.connection() as conn:
            _, other = await issue_key(conn, None, "second admin")
        async with caller(client, other) as second:
            assert (await second.delete(f"/keys/{admin['id']}")).status_code == 200
        assert (await client.get("/creators")).status_code == 401
    with pytest.raises(RuntimeError, match="ADMIN_API_KEY was revoked"):
        async with running_service(database_url, run_worker=False, data_dir=tmp_path):
            pass
    # A new ADMIN_API_KEY works; the revoked one stays revoked.
    fresh = "another-admin-key-0123456789abcdef"
    async with running_service(
        database_url, run_worker=False, data_dir=tmp_path, admin_api_key=fresh
    ) as client:
        assert (await client.get("/creators")).status_code == 401
        async with caller(client, fresh) as admin:
            assert (await admin.get("/creators")).status_code == 200

"""Signing in to the inbox over HTTP on real Postgres: one-time links stored hashed, sessions
that end with their key, their expiry or a sign-out, and cookies as browsers need them."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
from fastapi.routing import APIRoute, iter_route_contexts

from tests.conftest import create_creator, running_service


def sign_in_token(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def browser(client: httpx.AsyncClient, base_url: str = "http://service") -> httpx.AsyncClient:
    """A client without the admin key, keeping cookies like a browser."""
    return httpx.AsyncClient(transport=client._transport, base_url=base_url)


async def sign_in_with_key(browser: httpx.AsyncClient, key: str) -> httpx.Response:
    form = await browser.get("/inbox/sign-in")
    return await browser.post(
        "/inbox/sign-in", data={"csrf_token": sign_in_token(form), "key": key}
    )


async def test_a_sign_in_link_is_stored_hashed_works_once_and_expires(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        link = (await client.post("/creators/ajay_shenoy/sign-in-link")).json()
        token = parse_qs(urlsplit(link["url"]).query)["token"][0]
        with psycopg.connect(database_url) as conn:
            rows = conn.execute("SELECT * FROM inbox_sign_in_links").fetchall()
        assert [r[0] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
        assert token not in str(rows)

        creator_key = (await client.post("/keys", json={"creator_id": "ajay_shenoy"})).json()
        as_creator = {"Authorization": f"Bearer {creator_key['key']}"}
        refused = await client.post("/creators/ajay_shenoy/sign-in-link", headers=as_creator)
        assert refused.status_code == 403

        # Two browsers open the link; the first to click signs in, the other cannot.
        async with browser(client) as first, browser(client) as second:
            page = await first.get(f"/inbox/sign-in/link?token={token}")
            assert page.status_code == 200 and "Sign in as ajay_shenoy" in page.text
            other_page = await second.get(f"/inbox/sign-in/link?token={token}")
            form = {"csrf_token": sign_in_token(page), "token": token}
            signed_in = await first.post("/inbox/sign-in/link", data=form)
            assert signed_in.status_code == 303 and signed_in.headers["location"] == "/inbox"
            cookie = signed_in.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
            assert (await first.get("/inbox")).status_code == 200
            late = {"csrf_token": sign_in_token(other_page), "token": token}
            again = await second.post("/inbox/sign-in/link", data=late)
            assert again.status_code == 410 and "inbox_session" not in second.cookies
            assert (await second.get(f"/inbox/sign-in/link?token={token}")).status_code == 410

        stale = (await client.post("/creators/ajay_shenoy/sign-in-link")).json()["url"]
        with psycopg.connect(database_url) as conn:
            conn.execute("UPDATE inbox_sign_in_links SET expires_at = now() - interval '1 s'")
        async with browser(client) as late:
            assert (
                await late.get(urlsplit(stale).path + "?" + urlsplit(stale).query)
            ).status_code == 410


async def test_a_session_is_stored_hashed_and_ends_with_its_key_sign_out_or_expiry(
    database_url,
):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        key = (await client.post("/keys", json={"creator_id": "ajay_shenoy"})).json()
        async with browser(client) as signed:
            answer = await sign_in_with_key(signed, key["key"])
            assert answer.status_code == 303
            session = signed.cookies["inbox_session"]
            with psycopg.connect(database_url) as conn:
                [stored] = conn.execute("SELECT token_hash FROM inbox_sessions").fetchall()
            assert stored[0] == hashlib.sha256(session.encode()).hexdigest()
            assert (await signed.get("/inbox")).status_code == 200
            await client.delete(f"/keys/{key['id']}")
            gone = await signed.get("/inbox")
            assert gone.status_code == 303 and gone.headers["location"] == "/inbox/sign-in"

        key = (await client.post("/keys", json={"creator_id": "ajay_shenoy"})).json()
        async with browser(client) as expiring:
            await sign_in_with_key(expiring, key["key"])
            with psycopg.connect(database_url) as conn:
                conn.execute("UPDATE inbox_sessions SET expires_at = now() - interval '1 s'")
            assert (await expiring.get("/inbox")).status_code == 303

        async with browser(client) as leaving:
            await sign_in_with_key(leaving, key["key"])
            page = await leaving.get("/inbox")
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            out = await leaving.post("/inbox/sign-out", data={"csrf_token": csrf})
            assert out.status_code == 303
            leaving.cookies.set("inbox_session", session)  # the old cookie, kept by a thief
            assert (await leaving.get("/inbox")).status_code == 303


async def test_only_a_creator_key_opens_an_inbox(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        async with browser(client) as anyone:
            admin = await sign_in_with_key(anyone, "test-admin-key-0123456789abcdef")
            assert admin.status_code == 401 and "admin key" in admin.text
            unknown = await sign_in_with_key(anyone, "ca_not-a-key")
            assert unknown.status_code == 401 and "not a valid creator key" in unknown.text
            assert "inbox_session" not in anyone.cookies


async def test_over_https_the_session_cookie_is_secure(database_url):
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        key = (await client.post("/keys", json={"creator_id": "ajay_shenoy"})).json()
        async with browser(client, "https://service") as secure:
            answer = await sign_in_with_key(secure, key["key"])
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]


SIGN_IN_ROUTES = {"/inbox/sign-in", "/inbox/sign-in/link"}


def inbox_routes(app) -> list[tuple[str, str]]:
    routes = [
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and route.path.startswith("/inbox")
        and route.path not in SIGN_IN_ROUTES
        for method in route.methods
    ]
    assert len(routes) >= 15, routes  # a broken walk would pass with nothing to check
    return routes


async def test_every_inbox_page_and_form_needs_a_session_and_every_form_its_csrf_token(
    database_url,
):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        key = (await client.post("/keys", json={"creator_id": "ajay_shenoy"})).json()
        routes = inbox_routes(client.app)
        async with browser(client) as anyone:
            for method, path in routes:
                answer = await anyone.request(method, path.replace("{", "").replace("}", ""))
                where = f"{method} {path}"
                if method == "GET":  # a page sends the browser to sign in
                    assert answer.status_code == 303, where
                    assert answer.headers["location"] == "/inbox/sign-in", where
                else:  # a form says the browser is signed out, and does nothing
                    assert answer.status_code == 401, where
        async with browser(client) as signed:
            await sign_in_with_key(signed, key["key"])
            for method, path in routes:
                if method == "POST":
                    url = path.replace("{", "").replace("}", "")
                    answer = await signed.post(url, data={"csrf_token": "forged"})
                    assert answer.status_code == 403, f"{method} {path}"

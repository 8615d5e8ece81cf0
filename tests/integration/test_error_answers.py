"""Every refusal has one shape, {"detail": str, "errors"?: [{"loc", "msg", ...}]}, whatever
refused it: authentication, validation, a route's own checks or the body limit (through HTTP,
on real Postgres)."""

from __future__ import annotations

import httpx

from server.body_limit import MAX_BODY_BYTES
from tests.conftest import NEHA, create_consumer, create_creator, load_creator, running_service


def assert_error_shape(response: httpx.Response) -> dict:
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"], body
    assert set(body) <= {"detail", "errors"}, body
    for item in body.get("errors", []):
        assert isinstance(item["loc"], list) and isinstance(item["msg"], str), item
    return body


async def test_refusals_from_every_layer_share_one_shape(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        no_key = await client.get("/creators", headers={"Authorization": ""})
        assert no_key.status_code == 401 and no_key.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in assert_error_shape(no_key)["detail"]

        invalid = await client.post("/consumers", json={"creator_id": "ajay_shenoy"})
        assert invalid.status_code == 422
        body = assert_error_shape(invalid)
        assert ["body", "external_id"] in [e["loc"] for e in body["errors"]]
        assert body["detail"].startswith("the request is not valid: body.external_id: ")

        missing = await client.get("/approvals/nope")
        assert missing.status_code == 404 and "nope" in assert_error_shape(missing)["detail"]

        too_large = await client.post(
            "/events", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "text/plain"}
        )
        assert too_large.status_code == 413 and "limit" in assert_error_shape(too_large)["detail"]

        data = load_creator("lena_designs")
        del data["user"]["display_name"]
        bad_data = await client.post(
            "/onboarding/", json={"username": "lena_designs", "marketplace_data": data}
        )
        assert bad_data.status_code == 422
        body = assert_error_shape(bad_data)
        assert "user.display_name" in body["detail"]
        [problem] = body["errors"]
        assert problem["loc"] == ["body", "marketplace_data"]
        assert problem["msg"].startswith("user.display_name: ")


async def test_a_key_cannot_revoke_itself(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        admin = next(k for k in (await client.get("/keys")).json()["keys"] if k["scope"] == "admin")
        refused = await client.delete(f"/keys/{admin['id']}")
        assert refused.status_code == 409
        assert "another admin key" in assert_error_shape(refused)["detail"]
        assert (await client.get("/keys")).status_code == 200  # still in force

        issued = (await client.post("/keys", json={"creator_id": "ajay_shenoy"})).json()
        revoked = await client.delete(f"/keys/{issued['id']}")
        assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
        assert "key" not in revoked.json()  # the secret is shown once, when issued
        answer = await client.get(
            "/approvals", headers={"Authorization": f"Bearer {issued['key']}"}
        )
        assert answer.status_code == 401


async def test_what_the_contract_sweep_found_is_refused_not_a_500(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        lead = f"/consumers/ajay_shenoy/{NEHA['external_id']}"

        # A null consent channel used to be stored, and every read of the lead then failed.
        null_consent = await client.patch(lead, json={"consent": {"whatsapp": None}})
        assert null_consent.status_code == 200, null_consent.text
        assert (await client.get(lead)).json()["consent"]["whatsapp"] is True

        # An id with ':' cannot name a thread: no such lead, not a failed erasure.
        colon = await client.delete("/consumers/ajay_shenoy/a:b")
        assert colon.status_code == 404 and "a:b" in assert_error_shape(colon)["detail"]

        not_utf8 = await client.post(
            "/consumers", content=b'{"name": "\xff"}', headers={"content-type": "application/json"}
        )
        assert not_utf8.status_code == 422 and "UTF-8" in assert_error_shape(not_utf8)["detail"]

"""Compatibility check: HubSpot's official Python client against hubspot-sim.

Runs batch upsert, read, update, list paging, search, properties and the OAuth token calls
through `hubspot-api-client` and checks that its typed models parse every answer (the generated
models validate required fields, so a missing field fails here). Usage:

    check.py BASE_URL TOKEN CLIENT_ID CLIENT_SECRET

Exits non-zero on the first failure, naming the step.
"""

import json
import sys
import urllib.parse
import urllib.request

from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputUpsert,
    SimplePublicObjectId,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.properties import PropertyCreate, OptionInput
from hubspot.oauth.exceptions import ApiException as OAuthApiException

BASE, TOKEN, CLIENT_ID, CLIENT_SECRET = sys.argv[1:5]
REDIRECT = "http://localhost:8976/callback"
steps = []


def step(name):
    def wrap(fn):
        steps.append((name, fn))
        return fn
    return wrap


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def api(token=TOKEN):
    # Every generated API package reads `host` from the client's configuration.
    return HubSpot(access_token=token, host=BASE)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def consent_code(state):
    query = urllib.parse.urlencode({
        "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "state": state,
        "scope": "crm.objects.contacts.read crm.objects.contacts.write oauth",
    })
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{BASE}/oauth/authorize?{query}")
    except urllib.error.HTTPError as redirect:
        check(redirect.code == 302, f"consent answered {redirect.code}, not 302")
        location = urllib.parse.urlparse(redirect.headers["Location"])
        params = urllib.parse.parse_qs(location.query)
        check(params["state"] == [state], "consent did not echo state")
        return params["code"][0]
    raise AssertionError("consent did not redirect")


@step("batch upsert (create, then update with new=false)")
def batch_upsert():
    batch = api().crm.contacts.batch_api
    inputs = [SimplePublicObjectBatchInputUpsert(id=f"py{i}@example.com", id_property="email",
                                                 properties={"firstname": f"Py{i}", "budget": str(i)})
              for i in range(30)]
    created = batch.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=inputs))
    check(len(created.results) == 30, "upsert did not return 30 results")
    check(all(r.new for r in created.results), "first upsert should create")
    check(created.results[0].created_at is not None, "createdAt did not parse")
    again = batch.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=inputs[:5]))
    check(not any(r.new for r in again.results), "second upsert should update")


@step("batch upsert with trace ids: 207 with errors parses")
def batch_upsert_multi_status():
    batch = api().crm.contacts.batch_api
    inputs = [
        SimplePublicObjectBatchInputUpsert(id="ok-trace@example.com", id_property="email", properties={},
                                           object_write_trace_id="t-1"),
        SimplePublicObjectBatchInputUpsert(id="bad-trace@example.com", id_property="email",
                                           properties={"nosuch": "x"}, object_write_trace_id="t-2"),
    ]
    answer = batch.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=inputs))
    check(answer.num_errors == 1, f"expected 1 error, got {answer.num_errors}")
    check(answer.errors[0].context["objectWriteTraceId"] == ["t-2"], "trace id not in error context")


@step("batch read by email and by id")
def batch_read():
    batch = api().crm.contacts.batch_api
    by_email = batch.read(BatchReadInputSimplePublicObjectId(
        properties=["firstname", "budget"], properties_with_history=[], id_property="email",
        inputs=[SimplePublicObjectId(id="py1@example.com"), SimplePublicObjectId(id="py2@example.com")]))
    check(len(by_email.results) == 2, "read by email did not return 2")
    ids = [r.id for r in by_email.results]
    by_id = batch.read(BatchReadInputSimplePublicObjectId(
        properties=["firstname"], properties_with_history=["firstname"],
        inputs=[SimplePublicObjectId(id=i) for i in ids]))
    check(sorted(r.id for r in by_id.results) == sorted(ids), "read by id mismatch")
    check(by_id.results[0].properties_with_history["firstname"][0].value.startswith("Py"), "history did not parse")


@step("batch update by id and single create/get")
def batch_update():
    client = api()
    created = client.crm.contacts.basic_api.create(
        SimplePublicObjectInputForCreate(properties={"email": "single@example.com", "firstname": "Single"}, associations=[]))
    updated = client.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(
        inputs=[SimplePublicObjectBatchInput(id=created.id, properties={"jobtitle": "Tester"})]))
    check(updated.results[0].properties["jobtitle"] == "Tester", "update not applied")
    fetched = client.crm.contacts.basic_api.get_by_id(created.id, properties=["jobtitle"])
    check(fetched.properties["jobtitle"] == "Tester", "get_by_id mismatch")
    try:
        client.crm.contacts.basic_api.create(
            SimplePublicObjectInputForCreate(properties={"email": "single@example.com"}, associations=[]))
        raise AssertionError("create of an existing email did not fail")
    except ContactsApiException as conflict:
        check(conflict.status == 409, f"expected 409, got {conflict.status}")
        check(f"Existing ID: {created.id}" in json.loads(conflict.body)["message"], "409 does not name the id")


@step("list paging to the end")
def list_paging():
    client = api()
    seen, after = [], None
    while True:
        page = client.crm.contacts.basic_api.get_page(limit=7, after=after, properties=["email"])
        seen += [c.id for c in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    check(len(seen) == len(set(seen)) and len(seen) >= 31, f"paging saw {len(seen)} contacts")
    check(len(client.crm.contacts.get_all()) == len(seen), "get_all disagrees with paging")


@step("search with filters, sort and paging")
def search():
    searcher = api().crm.contacts.search_api
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="budget", operator="GTE", value="20")])],
        sorts=["-budget"], properties=["budget", "email"], limit=5, after="0")
    first = searcher.do_search(request)
    check(first.total == 10, f"search total {first.total}, expected 10")
    check([r.properties["budget"] for r in first.results] == ["29", "28", "27", "26", "25"], "search sort wrong")
    request.after = first.paging.next.after
    second = searcher.do_search(request)
    check(second.paging is None and len(second.results) == 5, "search last page wrong")


@step("properties: list, get, create")
def properties():
    core = api().crm.properties.core_api
    listed = core.get_all(object_type="contacts")
    names = {p.name for p in listed.results}
    check({"email", "lifecyclestage", "budget", "createdate"} <= names, "standard properties missing")
    stage = core.get_by_name(object_type="contacts", property_name="lifecyclestage")
    check(any(o.value == "lead" for o in stage.options), "lifecyclestage options missing")
    created = core.create(object_type="contacts", property_create=PropertyCreate(
        name="py_tier", label="Tier", type="enumeration", field_type="select", group_name="contactinformation",
        options=[OptionInput(label="Gold", value="gold", display_order=0, hidden=False)]))
    check(created.name == "py_tier", "create property failed")


@step("OAuth: code exchange, refresh, introspection, revoke")
def oauth():
    client = api()
    tokens = client.oauth.tokens_api.create(grant_type="authorization_code", code=consent_code("xyz"),
                                            redirect_uri=REDIRECT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    check(tokens.token_type == "bearer" and tokens.expires_in > 0, "token response wrong")
    refreshed = client.oauth.tokens_api.create(grant_type="refresh_token", refresh_token=tokens.refresh_token,
                                               client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    check(refreshed.access_token != tokens.access_token, "refresh returned the same access token")
    info = client.oauth.access_tokens_api.get(refreshed.access_token)
    check(info.hub_id > 0 and "oauth" in info.scopes, "access-token info wrong")
    refresh_info = client.oauth.refresh_tokens_api.get(tokens.refresh_token)
    check(refresh_info.client_id == CLIENT_ID, "refresh-token info wrong")
    contacts = api(refreshed.access_token).crm.contacts.basic_api.get_page(limit=1)
    check(len(contacts.results) == 1, "OAuth access token not accepted")
    client.oauth.refresh_tokens_api.archive(tokens.refresh_token)
    try:
        client.oauth.tokens_api.create(grant_type="refresh_token", refresh_token=tokens.refresh_token,
                                       client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        raise AssertionError("revoked refresh token still works")
    except OAuthApiException as refused:
        body = json.loads(refused.body)
        check(refused.status == 400 and body["error"] == "invalid_grant", "revoked refresh not invalid_grant")


@step("unknown token: 401 INVALID_AUTHENTICATION")
def unknown_token():
    try:
        api("pat-na1-unknown").crm.contacts.basic_api.get_page(limit=1)
        raise AssertionError("unknown token accepted")
    except ContactsApiException as refused:
        check(refused.status == 401, f"expected 401, got {refused.status}")
        check(json.loads(refused.body)["category"] == "INVALID_AUTHENTICATION", "wrong 401 category")


failures = 0
for name, fn in steps:
    try:
        fn()
        print(f"ok   {name}")
    except Exception as error:  # report every step, then fail
        failures += 1
        print(f"FAIL {name}: {type(error).__name__}: {error}")
print(f"{len(steps) - failures}/{len(steps)} compatibility steps passed")
sys.exit(1 if failures else 0)

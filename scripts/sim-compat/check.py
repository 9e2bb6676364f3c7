"""Compatibility check: HubSpot's official Python client against hubspot-sim.

Runs batch upsert, read, update, list paging, search, properties, notes (batch create, update,
upsert, read, search, associations v4, archive) and the OAuth token calls through
`hubspot-api-client` and checks that its typed models parse every answer (the generated
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
from hubspot.crm.associations.v4 import (
    BatchInputPublicDefaultAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicObjectId as AssociationObjectId,
)
from hubspot.crm.objects.notes import (
    AssociationSpec,
    BatchInputSimplePublicObjectBatchInput as NoteUpdateBatch,
    BatchInputSimplePublicObjectBatchInputForCreate as NoteCreateBatch,
    BatchInputSimplePublicObjectBatchInputUpsert as NoteUpsertBatch,
    BatchInputSimplePublicObjectId as NoteArchiveBatch,
    BatchReadInputSimplePublicObjectId as NoteReadBatch,
    Filter as NoteFilter,
    FilterGroup as NoteFilterGroup,
    PublicAssociationsForObject,
    PublicObjectId as NoteTarget,
    PublicObjectSearchRequest as NoteSearchRequest,
    SimplePublicObjectBatchInput as NoteUpdate,
    SimplePublicObjectBatchInputForCreate as NoteCreate,
    SimplePublicObjectBatchInputUpsert as NoteUpsert,
    SimplePublicObjectId as NoteId,
)
from hubspot.crm.properties import PropertyCreate, OptionInput
from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException
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


NOTE_TIME = "2026-11-28T10:15:00Z"
notes = {}  # trace id -> note id, shared by the note steps


def note_contact():
    """The contact the note steps attach notes to (created on first use)."""
    if "contact" not in notes:
        notes["contact"] = api().crm.contacts.basic_api.create(
            SimplePublicObjectInputForCreate(properties={"email": "notes@example.com"}, associations=[])).id
    return notes["contact"]


def to_contact(contact_id):
    return PublicAssociationsForObject(
        to=NoteTarget(id=contact_id),
        types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=202)])


@step("notes: batch create associated with a contact (201, trace ids echoed)")
def notes_batch_create():
    contact = note_contact()
    inputs = [NoteCreate(properties={"hs_timestamp": NOTE_TIME, "hs_note_body": f"<p>note {i} &amp; more</p>"},
                         associations=[to_contact(contact)], object_write_trace_id=f"conv-{i}")
              for i in range(3)]
    created = api().crm.objects.notes.batch_api.create(NoteCreateBatch(inputs=inputs))
    check(len(created.results) == 3, f"created {len(created.results)} notes, expected 3")
    for result in created.results:
        notes[result.object_write_trace_id] = result.id
    check(sorted(notes) == ["contact", "conv-0", "conv-1", "conv-2"], "trace ids not echoed")
    check(created.results[0].properties["hs_timestamp"].startswith("2026-11-28T10:15:00"), "hs_timestamp not returned")


@step("notes: batch update grows a body; batch read and get_by_id return it")
def notes_update_and_read():
    client = api().crm.objects.notes
    grown = "<p>note 0 &amp; more</p><p>and a reply</p>"
    updated = client.batch_api.update(NoteUpdateBatch(inputs=[NoteUpdate(id=notes["conv-0"], properties={"hs_note_body": grown})]))
    check(updated.results[0].properties["hs_note_body"] == grown, "update not applied")
    read = client.batch_api.read(NoteReadBatch(properties=["hs_note_body"], properties_with_history=[],
                                               inputs=[NoteId(id=notes[f"conv-{i}"]) for i in range(3)]))
    bodies = {r.id: r.properties["hs_note_body"] for r in read.results}
    check(bodies[notes["conv-0"]] == grown and len(bodies) == 3, "batch read mismatch")
    fetched = client.basic_api.get_by_id(notes["conv-1"], properties=["hs_note_body"], associations=["contacts"])
    check(fetched.associations["contacts"].results[0].id == note_contact(), "note not associated with the contact")


@step("notes: a contact's notes (v4) and associating after the fact (single and batch)")
def notes_associations():
    client = api()
    v4 = client.crm.associations.v4
    listed = v4.basic_api.get_page(object_type="contacts", object_id=note_contact(), to_object_type="notes", limit=500)
    check(sorted(str(r.to_object_id) for r in listed.results) == sorted(notes[f"conv-{i}"] for i in range(3)),
          "contact's notes mismatch")
    check(listed.results[0].association_types[0].type_id == 201, "contact→note association type is not 201")
    other = client.crm.contacts.basic_api.create(
        SimplePublicObjectInputForCreate(properties={"email": "notes2@example.com"}, associations=[])).id
    single = v4.basic_api.create_default(from_object_type="notes", from_object_id=notes["conv-0"],
                                         to_object_type="contacts", to_object_id=other)
    check(single.results[0].association_spec.association_type_id == 202, "default association type is not 202")
    batch = v4.batch_api.create_default(from_object_type="notes", to_object_type="contacts",
                                        batch_input_public_default_association_multi_post=BatchInputPublicDefaultAssociationMultiPost(
                                            inputs=[PublicDefaultAssociationMultiPost(_from=AssociationObjectId(id=notes["conv-1"]),
                                                                                      to=AssociationObjectId(id=other))]))
    check(len(batch.results) == 1, "batch associate did not answer one result")
    again = v4.basic_api.get_page(object_type="contacts", object_id=other, to_object_type="notes")
    check(len(again.results) == 2, f"second contact has {len(again.results)} notes, expected 2")


@step("notes: search by associated contact")
def notes_search():
    found = api().crm.objects.notes.search_api.do_search(NoteSearchRequest(
        filter_groups=[NoteFilterGroup(filters=[NoteFilter(property_name="associations.contact", operator="EQ", value=note_contact())])],
        properties=["hs_note_body"], limit=10, after="0"))
    check(found.total == 3, f"search found {found.total} notes, expected 3")


@step("notes: unique property refused by default, upsert by it once allowed")
def notes_unique_property():
    core = api().crm.properties.core_api
    definition = PropertyCreate(name="conversation_key", label="Conversation", type="string", field_type="text",
                                group_name="notes", has_unique_value=True)
    try:
        core.create(object_type="notes", property_create=definition)
        raise AssertionError("a unique note property was created while refused")
    except PropertiesApiException as refused:
        check(refused.status == 400, f"expected 400, got {refused.status}")
    control = urllib.request.Request(f"{BASE}/_sim/config", data=json.dumps({"allowUniqueNoteProperties": True}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(control).read()
    check(core.create(object_type="notes", property_create=definition).has_unique_value, "unique property not created")
    batch = api().crm.objects.notes.batch_api
    upsert = NoteUpsertBatch(inputs=[NoteUpsert(id="conv-9", id_property="conversation_key",
                                                properties={"hs_timestamp": NOTE_TIME, "hs_note_body": "upserted"})])
    check(batch.upsert(upsert).results[0].new, "first upsert did not create")
    check(not batch.upsert(upsert).results[0].new, "second upsert created again")


@step("notes: archive, then an update of the gone note is a 207 OBJECT_NOT_FOUND")
def notes_archive():
    batch = api().crm.objects.notes.batch_api
    batch.archive(NoteArchiveBatch(inputs=[NoteId(id=notes["conv-2"])]))
    answer = batch.update(NoteUpdateBatch(inputs=[
        NoteUpdate(id=notes["conv-1"], properties={"hs_note_body": "still here"}),
        NoteUpdate(id=notes["conv-2"], properties={"hs_note_body": "gone"})]))
    check(answer.num_errors == 1 and answer.errors[0].category == "OBJECT_NOT_FOUND", "gone note not reported")
    check(answer.errors[0].context["ids"] == [notes["conv-2"]], "error does not name the gone note")


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

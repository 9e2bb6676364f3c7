"""The batch upsert loop of HubSpot's Python client documentation, fed leadsync's lead changes.

Each change becomes one input keyed by its lead's email (idProperty email), 100 inputs per
`crm.contacts.batch_api.upsert` call, one call at a time. A call is sent early when an email
repeats, because HubSpot refuses duplicate ids in one batch. Changes of leads without an email
cannot be sent this way and are left out. Usage:

    upsert_loop.py BASE_URL TOKEN CHANGES.ndjson

Prints one JSON line: changes acknowledged, seconds, requests. The file is read before timing.
"""

import json
import sys
import time

from hubspot import HubSpot
from hubspot.crm.contacts import BatchInputSimplePublicObjectBatchInputUpsert, SimplePublicObjectBatchInputUpsert

BASE, TOKEN, PATH = sys.argv[1:4]
# leadsync's default mappings, field -> property.
MAPPINGS = {"email": "email", "first_name": "firstname", "last_name": "lastname", "phone": "phone",
            "company": "company", "job_title": "jobtitle", "website": "website"}


def wire(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


with open(PATH, encoding="utf-8") as file:
    changes = [json.loads(line) for line in file]

api = HubSpot(access_token=TOKEN, host=BASE).crm.contacts.batch_api
emails = {}
batch, in_batch = [], set()
acknowledged = requests = 0


def flush():
    global acknowledged, requests
    if batch:
        api.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=batch))
        acknowledged += len(batch)
        requests += 1
        batch.clear()
        in_batch.clear()


started = time.monotonic()
for change in changes:
    fields = change["fields"]
    if "email" in fields:
        emails[change["lead"]] = wire(fields["email"]).strip().lower()
    email = emails.get(change["lead"])
    if not email:
        continue
    properties = {MAPPINGS[name]: wire(value) for name, value in fields.items() if name in MAPPINGS and name != "email"}
    if email in in_batch or len(batch) == 100:
        flush()
    batch.append(SimplePublicObjectBatchInputUpsert(id=email, id_property="email", properties=properties))
    in_batch.add(email)
flush()
print(json.dumps({"changes_acknowledged": acknowledged, "seconds": time.monotonic() - started, "requests": requests}))

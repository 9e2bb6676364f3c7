# Sourced by the multi-tenant scripts (tenant-scaling.sh, tenant-failover.sh), after
# release-sim.sh: a throwaway PostgreSQL server, tenants with generated backlogs, each connected
# with a private app of its own, and `leadsync serve` workers.
#   start_postgres                 # sets $store_base (postgres://…/ without a database) and $psql
#   make_tenants DB TENANTS LEADS  # tenants t1…tN in database DB, LEADS leads each; $token_args for start_sim
#   copy_database FROM TO          # a fresh copy (CREATE DATABASE … TEMPLATE): each run starts from the same backlog
#   start_worker DB NAME [serve options…]  # appends the pid to $worker_pids; log in $work/NAME.log

# The key tenants' credentials are sealed with (decision 0027); a benchmark's, not a secret.
export LEADSYNC_CREDENTIALS_KEY="$(printf '5e%.0s' $(seq 1 32))"
export LEADSYNC_DB=/nonexistent/unused.db
export LEADSYNC_TOKEN=
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pg_dir=""
worker_pids=()

stop_postgres() {
    if [ -n "$pg_dir" ]; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_dir" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
        pg_dir=""
    fi
}
stop_workers() {
    for pid in "${worker_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    worker_pids=()
}
trap 'stop_workers; stop_sim; stop_postgres; rm -rf "$work"' EXIT

# PostgreSQL refuses to run as root: the server runs as `postgres` then, as in CI.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A cluster in a temporary directory on a free loopback port. Commits do not wait for the WAL's
# flush (synchronous_commit=off), as the SQLite baseline runs with synchronous=normal
# (decision 0034): both survive a crash of the process, neither the loss of power.
start_postgres() {
    pg_dir="$(mktemp -d)"
    [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
    pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/server.log" \
        -o "-p $pg_port -k $pg_dir -h 127.0.0.1 -c synchronous_commit=off -c shared_buffers=1GB -c max_connections=100" \
        start >/dev/null
    store_base="postgres://postgres@127.0.0.1:$pg_port"
    psql=("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -X -q -A -t)
}

# sql DB STATEMENT: prints the rows, columns separated by '|'.
sql() { "${psql[@]}" -d "$1" -c "$2"; }

copy_database() { sql postgres "CREATE DATABASE $2 TEMPLATE $1" >/dev/null; }

# make_tenants DB TENANTS LEADS: tenant tN's input is `leadsync generate`'s LEADS leads (one
# change each: email, first and last name, company, half of them a job title), the same for every
# tenant but for the email's domain (…@company.tN.example, so tenants never share a contact in
# the one simulator account) and the lead id (tN-L-…, so the tenants' inputs together are one
# journal's input). Writes $work/in/tN.ndjson and $work/expected.ndjson (the shared input).
# Needs a running simulator (connect checks the token): start_sim "${token_args[@]}" first.
tenant_args() {
    token_args=()
    for t in $(seq 1 "$1"); do token_args+=(--token "t$t=pat-na1-t$t"); done
}
make_tenants() {
    local db="$1" tenants="$2" leads="$3"
    sql postgres "CREATE DATABASE $db" >/dev/null
    mkdir -p "$work/in"
    "$leadsync" generate --leads "$leads" --changes "$leads" --seed 7 --no-email-share 0 --invalid-share 0 \
        --late-share 0 -o "$work/expected.ndjson"
    awk -v tenants="$tenants" -v dir="$work/in" '
        { line[NR] = $0 }
        END {
            for (t = 1; t <= tenants; t++) {
                file = dir "/t" t ".ndjson"
                for (i = 1; i <= NR; i++) {
                    l = line[i]
                    sub(/\.example"/, ".t" t ".example\"", l)
                    sub(/"lead":"/, "\"lead\":\"t" t "-", l)
                    print l > file
                }
                close(file)
            }
        }' "$work/expected.ndjson"
    export store_base url leadsync work db
    # shellcheck disable=SC2016
    seq 1 "$tenants" | xargs -P 3 -I{} bash -c '
        export LEADSYNC_STORE="$store_base/$db" LEADSYNC_TENANT="t{}"
        "$leadsync" init >/dev/null &&
            "$leadsync" ingest "$work/in/t{}.ndjson" >/dev/null &&
            echo "pat-na1-t{}" | "$leadsync" connect --token - --hubspot-url "$url" >/dev/null ||
            { echo "setting up tenant t{} failed" >&2; exit 255; }' 2>"$work/setup.log" ||
        { tail -n 20 "$work/setup.log" >&2; return 1; }
}

# start_worker DB NAME [serve options…]: any URL the tenants stored at connect is replaced by the
# running simulator's.
start_worker() {
    local db="$1" name="$2"
    shift 2
    LEADSYNC_STORE="$store_base/$db" "$leadsync" serve --worker "$name" --hubspot-url "$url" "$@" \
        2>"$work/$name.log" &
    worker_pids+=($!)
}

# cpu_seconds PID…: user + system CPU seconds of the processes and of their reaped children.
cpu_seconds() {
    python3 - "$@" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
total = 0
for pid in sys.argv[1:]:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        continue
    total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
print(f"{total / tick:.1f}")
PY
}

# postgres_cpu: CPU seconds of the server: the postmaster with its reaped children (backends
# that ended) and every live process of it.
postgres_cpu() {
    local postmaster
    postmaster="$(head -n 1 "$pg_dir/data/postmaster.pid")"
    cpu_seconds "$postmaster" $(pgrep -P "$postmaster")
}

# check_contacts TENANTS: HubSpot's contacts against every tenant's input, exactly: each tenant
# has one contact per lead, with each mapped field's value. Prints one line; exits 1 on a difference.
check_contacts() {
    curl --fail --no-progress-meter "$url/_sim/contacts" -o "$work/contacts.json"
    python3 - "$1" "$work/expected.ndjson" "$work/contacts.json" <<'PY'
import collections, json, sys
tenants, expected_file, contacts_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mapping = {"email": "email", "first_name": "firstname", "last_name": "lastname", "company": "company", "job_title": "jobtitle"}
expected = {}
for line in open(expected_file):
    fields = json.loads(line)["fields"]
    local, domain = fields["email"].lower().split("@")
    expected[(local, domain)] = {mapping[k]: v for k, v in fields.items() if k != "email"}
counts, wrong = collections.Counter(), []
for contact in json.load(open(contacts_file))["contacts"]:
    properties = contact["properties"]
    local, domain = properties["email"].split("@")
    stem, tenant, _ = domain.rsplit(".", 2)
    counts[tenant] += 1
    want = expected.get((local, stem + ".example"))
    if want is None or any(properties.get(k) != v for k, v in want.items()):
        wrong.append(properties["email"])
missing = [f"t{t}" for t in range(1, tenants + 1) if counts[f"t{t}"] != len(expected)]
total = sum(counts.values())
print(f"HubSpot: {total} contacts, {tenants - len(missing)} of {tenants} tenants with exactly "
      f"{len(expected)} each, {len(wrong)} contacts differing from their input")
if missing or wrong or total != tenants * len(expected):
    print(f"NOT exact: tenants off {missing[:10]}, contacts off {wrong[:10]}")
    sys.exit(1)
PY
}

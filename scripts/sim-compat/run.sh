#!/usr/bin/env bash
# Runs HubSpot's official Python client (hubspot-api-client from PyPI) against hubspot-sim.
# Creates the virtual environment .venv-compat at the package root if missing, builds and starts
# hubspot-sim on a free port, runs check.py, and exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv-compat"
configuration="${CONFIGURATION:-debug}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet hubspot-api-client
fi

(cd "$root" && swift build -c "$configuration" --product hubspot-sim)
sim="$root/.build/$configuration/hubspot-sim"

output="$(mktemp)"
token="pat-na1-compat-check"
"$sim" --port 0 --token "$token" --oauth-client compat-client:compat-secret \
    --rate-limit none --search-per-second 0 >"$output" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$output"' EXIT

for _ in $(seq 1 100); do
    [ -s "$output" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "hubspot-sim exited early" >&2; exit 1; }
    sleep 0.1
done
url="$(head -n 1 "$output")"
[ -n "$url" ] || { echo "hubspot-sim did not print its URL" >&2; exit 1; }
echo "hubspot-sim at $url"

"$venv/bin/python" "$root/scripts/sim-compat/check.py" "$url" "$token" compat-client compat-secret

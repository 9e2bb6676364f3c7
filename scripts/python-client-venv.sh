#!/usr/bin/env bash
# Makes the virtual environment .venv-compat at the package root with HubSpot's official Python
# client (hubspot-api-client from PyPI) when it is missing, and prints its path. Used by
# scripts/sim-compat/run.sh and scripts/bench-vs-python.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-compat"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import hubspot' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet hubspot-api-client >&2
fi
echo "$venv"

#!/usr/bin/env bash
# The demo: installs the system packages leadsync needs when missing, builds the release
# executable, and runs `leadsync bench` with the README's defaults (20,000 leads, 100,000 changes,
# 190 requests/10 s, 150 ms ± 50 ms latency) against the bundled simulator. Extra arguments go to
# `leadsync bench` (e.g. `scripts/demo.sh --leads 2000 --changes 10000`).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-system-packages.sh"
command -v swift >/dev/null || { echo "demo.sh: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
swift build -c release --package-path "$root" --product leadsync
exec "$root/.build/release/leadsync" bench "$@"

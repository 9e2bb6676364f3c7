# Sourced by benchmark scripts: builds leadsync and hubspot-sim in release mode, makes a scratch
# directory ($work, removed on exit) and starts/stops a simulator on a free loopback port.
#   source "$(dirname "$0")/release-sim.sh"
#   start_sim --rate-limit none ...   # sets $url; stop_sim
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swift build -c release --package-path "$root" --product leadsync >&2
swift build -c release --package-path "$root" --product hubspot-sim >&2
leadsync="$root/.build/release/leadsync"
sim="$root/.build/release/hubspot-sim"

work="$(mktemp -d)"
sim_pid=""
stop_sim() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; sim_pid=""; fi; }
trap 'stop_sim; rm -rf "$work"' EXIT

# Starts a fresh simulator accepting $token with the given options; sets $url.
start_sim() {
    stop_sim
    # Emptied here, not only by the redirection below: that runs in the child, and the wait
    # could read the previous simulator's URL before it does.
    : >"$work/sim.out"
    "$sim" --port 0 --token "$token" "$@" >"$work/sim.out" &
    sim_pid=$!
    for _ in $(seq 1 100); do
        [ -s "$work/sim.out" ] && break
        sleep 0.1
    done
    url="$(head -n 1 "$work/sim.out")"
    [ -n "$url" ] || { echo "hubspot-sim did not print its URL" >&2; exit 1; }
}

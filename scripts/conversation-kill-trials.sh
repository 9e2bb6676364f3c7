#!/bin/sh
# kill -9 of `leadsync sync --follow` KILLS times per trial (default 100), TRIALS trials (default 5,
# seeds SEED, SEED+1, …), while messages keep arriving and the simulator applies then drops 5 % of
# writes; each trial runs in both unique-property modes and must end with exactly one note per
# conversation part and every message present (ConversationCrashTests).
#
#   scripts/conversation-kill-trials.sh [KILLS] [TRIALS] [SEED]
set -eu
cd "$(dirname "$0")/.."
kills="${1:-100}"
trials="${2:-5}"
seed="${3:-$(date +%s)}"
swift build --build-tests
trial=0
while [ "$trial" -lt "$trials" ]; do
    LEADSYNC_CONVERSATION_KILLS="$kills" LEADSYNC_CRASH_SEED="$((seed + trial))" \
        swift test --skip-build --filter ConversationCrashTests 2>&1 | grep -E "conversation crash loop|✘|error"
    trial=$((trial + 1))
done

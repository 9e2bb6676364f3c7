#!/usr/bin/env bash
# Runs each benchmark once on a tiny input (seconds in all), so the benchmarks keep compiling and
# running as the code they measure changes. The figures of such tiny runs mean nothing;
# docs/benchmarks.md has the real runs and their commands.
set -euo pipefail
cd "$(dirname "$0")/.."
# They are targets of the root package: `swift build` builds them with everything else.
swift build
bin="$(swift build --show-bin-path)"
"$bin/JournalBenchmark" 2000 20 normal 1
"$bin/JournalDrainBenchmark" 1000 normal
"$bin/DrainBenchmark" unthrottled 1000 200
"$bin/DrainBenchmark" paced 200 0 1
"$bin/PullBenchmark" 300 100
"$bin/SimulatorBenchmark" 1000
"$bin/TransportBenchmark" 200 2

#!/usr/bin/env bash
# Builds the Benchmarks package and runs each benchmark once on a tiny input (seconds in all), so
# the benchmarks keep compiling and running as the code they measure changes. The figures of such
# tiny runs mean nothing; docs/benchmarks.md has the real runs and their commands.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --package-path Benchmarks
bin="$(swift build --package-path Benchmarks --show-bin-path)"
"$bin/JournalBenchmark" 2000 20 normal 1
"$bin/JournalDrainBenchmark" 1000 normal
"$bin/DrainBenchmark" unthrottled 1000 200
"$bin/DrainBenchmark" paced 200 0 1
"$bin/PullBenchmark" 300 100
"$bin/SimulatorBenchmark" 1000
"$bin/TransportBenchmark" 200 2

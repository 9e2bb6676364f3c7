#!/usr/bin/env bash
# The toolchain's `swift format` in lint mode with the checked-in .swift-format: any difference from
# the formatter's output fails. `swift format format -i -r Sources Tests Examples Benchmarks/Sources` fixes it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Examples Benchmarks/Sources Package.swift

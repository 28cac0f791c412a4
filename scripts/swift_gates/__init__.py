"""Checks on the iOS app's Swift that need no Swift compiler: every file
parses (`syntax`), and every use of the Rust core's API agrees with the
generated bindings (`api`). Run with `python -m swift_gates`; see
scripts/swift-gates.sh."""

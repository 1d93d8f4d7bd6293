"""Benchmarks: scripts that measure and print figures (never run as unit tests)."""

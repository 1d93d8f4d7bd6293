"""A record named like one in test_openapi, from another module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Leaf:
    weight: float

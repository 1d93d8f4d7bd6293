"""Interfaces: command line (and, later, HTTP)."""

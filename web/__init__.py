"""Interfaces: the command line, and the web application (pages, JSON API, SPARQL) served by waitress."""

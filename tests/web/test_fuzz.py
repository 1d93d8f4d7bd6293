"""A fuzz run of the JSON API: schemathesis generates requests from /api/openapi.json for every
operation and checks that none answers 5xx and every response conforms to the document.

The app runs in-process (WSGI) on the short synthetic plan, built with its search index, so
search and questions run the real engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import MINI_PLAN, build_into, home_env
from web.app import create_app

# Writes stay off (no admin token), whatever the environment says, and only reads are generated:
# the fuzz run can never upload or remove a document.
APP = create_app({"ADMIN_TOKEN": ""})
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", APP).include(method="GET")
# No 5xx, and status code, content type, headers and body as the document declares them. A value
# the schema allows but the graph lacks (an unknown document id) is a documented 400, not a defect.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory) -> Iterator[Path]:
    """The short plan with its search index, as ``POLICYKG_HOME`` for this module's tests."""
    corpus = tmp_path_factory.mktemp("fuzz-corpus")
    (corpus / "mini.txt").write_text(MINI_PLAN, encoding="utf-8")
    home = tmp_path_factory.mktemp("fuzz-home")
    build_into(home, [corpus / "mini.txt"], search_index=True)
    with home_env(home):
        yield home


@SCHEMA.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request_within_its_document(case, fuzz_home):
    case.call_and_validate(checks=CHECKS)

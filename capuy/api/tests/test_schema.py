"""The OpenAPI schema: generated without a warning, and it documents every resource."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

RESOURCES = [
    "organizations",
    "organization-flags",
    "members",
    "member-transfers",
    "terms",
    "committees",
    "seats",
    "jobs",
]


@pytest.fixture(scope="module")
def schema():
    out = StringIO()
    # --fail-on-warn turns any spectacular warning or error into a CommandError.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")


@pytest.mark.parametrize("resource", RESOURCES)
def test_schema_documents_list_and_detail_paths(schema, resource):
    assert f"/api/v1/{resource}/" in schema["paths"]
    assert f"/api/v1/{resource}/{{id}}/" in schema["paths"]


def test_schema_documents_the_transfer_action(schema):
    operation = schema["paths"]["/api/v1/members/{id}/transfer/"]["post"]
    assert "201" in operation["responses"]


def test_schema_documents_a_large_cycle_opening_as_202_with_the_job(schema):
    responses = schema["paths"]["/api/v1/review-cycles/"]["post"]["responses"]
    assert set(responses) >= {"201", "202"}
    job = responses["202"]["content"]["application/json"]["schema"]["$ref"]
    assert job == "#/components/schemas/Job"
    assert "/api/v1/jobs/{id}/download/" in schema["paths"]


def test_schema_declares_bearer_authentication(schema):
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_schema_and_docs_pages_are_served(client, db):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200

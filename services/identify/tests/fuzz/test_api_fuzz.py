"""Property-based API tests (schemathesis, from the service's own OpenAPI document) against a
running identify service over real HTTP: whatever the input, never a server error."""

import asyncio

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.embedded import free_port
from branchflow_runtime.hostile_input import body_operations, send_hostile_bodies
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.testing import service_process
from identify.bootstrap import create_app
from identify.config import IdentifySettings

pytestmark = pytest.mark.connected

schema = schemathesis.openapi.from_dict(create_app(IdentifySettings()).openapi())
TOKENS = [
    mint_token("wm-fuzz", Role.WEALTH_MANAGER, "BR001", secret=DEV_JWT_SECRET),
    mint_token("lm-fuzz", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET),
    mint_token("ho-fuzz", Role.HEAD_OFFICE, "HO", secret=DEV_JWT_SECRET),
]


@pytest.fixture(scope="module")
def identify_url(kafka_broker, database_factory, tmp_path_factory):
    env = {
        "IDENTIFY_DATABASE_URL": asyncio.run(database_factory("identify_fuzz")),
        "IDENTIFY_KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap_servers,
        "IDENTIFY_HTTP_PORT": str(free_port()),
        "IDENTIFY_START_CONSUMERS": "false",
        "IDENTIFY_START_SWEEPER": "false",
    }
    with service_process("identify", env, tmp_path_factory.mktemp("fuzz") / "identify.log") as url:
        yield url


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, identify_url):
    for token in TOKENS:
        case.call_and_validate(
            base_url=identify_url, headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
        )


# what an outside tester sent: every operation that takes a body gets hostile ones
PATH_VALUES = {
    "customer_id": "C000001",
    "identification_id": "0b0e7f0e-0000-4000-8000-000000000001",
    "prospect_id": "0b0e7f0e-0000-4000-8000-000000000002",
    "branch_id": "BR001",
}
BODY_OPERATIONS = body_operations(schema.raw_schema, PATH_VALUES)


@pytest.mark.parametrize(
    ("method", "path", "fields"), BODY_OPERATIONS, ids=[f"{m} {p}" for m, p, _ in BODY_OPERATIONS]
)
def test_hostile_bodies_are_refused_cleanly(method, path, fields, identify_url):
    send_hostile_bodies(method, identify_url + path, fields, TOKENS[:2])

"""Property-based API tests (schemathesis, from the service's own OpenAPI document) against a
running referral service over real HTTP: whatever the input, and whoever asks, never a server
error."""

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
from referral.bootstrap import create_app
from referral.config import ReferralSettings

pytestmark = pytest.mark.connected

schema = schemathesis.openapi.from_dict(create_app(ReferralSettings()).openapi())
# who files (lobby, counter), who confirms and keeps the register, who markets, who reads the
# access log, and head office across branches
TOKENS = [
    mint_token("lm-fuzz", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET),
    mint_token("tl-fuzz", Role.TELLER, "BR001", secret=DEV_JWT_SECRET),
    mint_token("wm-fuzz", Role.WEALTH_MANAGER, "BR001", secret=DEV_JWT_SECRET),
    mint_token("mk-fuzz", Role.MARKETING_MANAGER, "BR001", secret=DEV_JWT_SECRET),
    mint_token("bh-fuzz", Role.BRANCH_HEAD, "BR001", secret=DEV_JWT_SECRET),
    mint_token("ho-fuzz", Role.HEAD_OFFICE, "HO", secret=DEV_JWT_SECRET),
]


@pytest.fixture(scope="module")
def referral_url(kafka_broker, database_factory, tmp_path_factory):
    env = {
        "REFERRAL_DATABASE_URL": asyncio.run(database_factory("referral_fuzz")),
        "REFERRAL_KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap_servers,
        "REFERRAL_HTTP_PORT": str(free_port()),
        "REFERRAL_START_CONSUMERS": "false",
        "REFERRAL_START_SUMMARY_JOB": "false",
    }
    with service_process("referral", env, tmp_path_factory.mktemp("fuzz") / "referral.log") as url:
        yield url


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, referral_url):
    for token in TOKENS:
        case.call_and_validate(
            base_url=referral_url, headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
        )


# what an outside tester sent: every operation that takes a body gets hostile ones
PATH_VALUES = {
    "referral_id": "0b0e7f0e-0000-4000-8000-000000000001",
    "suggestion_id": "0b0e7f0e-0000-4000-8000-000000000002",
    "entry_id": "0b0e7f0e-0000-4000-8000-000000000003",
    "activity_id": "0b0e7f0e-0000-4000-8000-000000000004",
    "person_id": "P0000000001",
    "branch_id": "BR001",
    "day": "2026-11-24",
    "wealth_manager_id": "wm-fuzz",
    "month": "2026-10",
}
BODY_OPERATIONS = body_operations(schema.raw_schema, PATH_VALUES)


@pytest.mark.parametrize(
    ("method", "path", "fields"), BODY_OPERATIONS, ids=[f"{m} {p}" for m, p, _ in BODY_OPERATIONS]
)
def test_hostile_bodies_are_refused_cleanly(method, path, fields, referral_url):
    send_hostile_bodies(method, referral_url + path, fields, TOKENS[:2])

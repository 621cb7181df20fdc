"""Property-based API tests (schemathesis, from the service's own OpenAPI document) against a
running identify service over real HTTP: whatever the input, never a server error."""

import asyncio
import os
import subprocess
import sys
import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.embedded import free_port
from branchflow_runtime.settings import DEV_JWT_SECRET
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
    port = free_port()
    database_url = asyncio.run(database_factory("identify_fuzz"))
    log = tmp_path_factory.mktemp("fuzz") / "identify.log"
    env = {
        **os.environ,
        "IDENTIFY_DATABASE_URL": database_url,
        "IDENTIFY_KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap_servers,
        "IDENTIFY_HTTP_PORT": str(port),
        "IDENTIFY_START_CONSUMERS": "false",
        "IDENTIFY_START_SWEEPER": "false",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "identify"], env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
        assert not errors, log.read_text()[-3000:]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, identify_url):
    for token in TOKENS:
        case.call_and_validate(
            base_url=identify_url, headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
        )

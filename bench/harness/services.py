"""The Branchflow services the benchmarks start, and the write a staff member makes to each.

A service starts as in production: ``python -m <module>``, one uvicorn worker, the outbox relay
in the same process, its settings from ``<PREFIX>_…`` variables, telemetry on. The next service
is one more ``Service(...)`` line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.embedded import free_port
from branchflow_runtime.settings import DEV_JWT_SECRET
from harness.processes import ServerProcess, env_with_telemetry


@dataclass(frozen=True)
class Service:
    name: str
    module: str  # python -m <module>
    env_prefix: str  # IDENTIFY, REFERRAL…
    env: dict[str, str] = field(default_factory=dict)  # further settings, without the prefix
    sources: tuple[str, ...] = ()  # its source dirs beside libs/ (which code was measured)

    def process(
        self,
        database_url: str | None,
        bootstrap_servers: str,
        workdir: Path,
        port: int | None = None,
        **settings: str,
    ) -> ServerProcess:
        """Its process (not started yet) on ``port`` or a free one; ``settings`` are further
        ones for this run, without the prefix. A service with no database gets ``None``."""
        port = port or free_port()
        settings = {
            **({"DATABASE_URL": database_url} if database_url else {}),
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
            **self.env,
            **settings,
        }
        env = env_with_telemetry()
        env.update({f"{self.env_prefix}_{key}": value for key, value in settings.items()})
        argv = [sys.executable, "-m", self.module]
        return ServerProcess(self.name, argv, env, port, "/health/ready", workdir)


# The periodic re-rating sweep is off: it is not part of the write path being measured.
IDENTIFY = Service("identify", "identify", "IDENTIFY", {"START_SWEEPER": "false"}, ("services/identify/src",))
# The monthly summary job is off: it is not part of the write path being measured.
REFERRAL = Service(
    "referral", "referral", "REFERRAL", {"START_SUMMARY_JOB": "false"}, ("services/referral/src",)
)
# As deployed: live updates on, so the gateway follows customer.identified and keeps the lobby
# list between identifications. It has no database; ``IDENTIFY_URL`` is given per run.
GATEWAY = Service("gateway", "branchflow_gateway", "GATEWAY", {"LIVE_UPDATES": "true"}, ("gateway/src",))


def setting(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` on the command line (``type=`` of an argparse option): a further variable
    for a service's process."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name, value


@dataclass(frozen=True)
class WriteRequest:
    """A write a staff member makes: ``POST path`` with ``body(key)``, where ``key`` names what
    the write is about (the customer) and comes back in the event it publishes. ``body`` must be
    a module-level function: load-generating processes get it by pickle."""

    path: str
    body: Callable[[str], dict]
    ok_status: int = 201
    staff_id: str = "lm-001"
    role: Role = Role.LOBBY_MANAGER
    branch: str = "BR001"

    def headers(self) -> dict[str, str]:
        token = mint_token(self.staff_id, self.role, self.branch, secret=DEV_JWT_SECRET)
        return {"Authorization": f"Bearer {token}"}


def observation(customer_id: str) -> dict:
    return {
        "customer_id": customer_id,
        "purpose": "large_cash",
        "signals": [
            {"category": "appearance", "kind": "luxury_car"},
            {"category": "large_business", "kind": "cash_deposit", "amount": "600000.00"},
        ],
    }


# A lobby manager records what was observed: one transaction upserts the customer and the
# rating, inserts the identification and the outbox row.
OBSERVATION = WriteRequest("/observations", observation)


def referral_form(customer_id: str) -> dict:
    return {
        "customer_id": customer_id,
        "status": "referred",
        "wealth_manager_id": "wm-001",
        "note": "客户咨询大额存单，理财经理当场接待",
    }


# A lobby manager hands a customer to a wealth manager on the spot: one transaction checks the
# filing rules for that person and inserts the form and its outbox row.
REFERRAL_FORM = WriteRequest("/referrals", referral_form)

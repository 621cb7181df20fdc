"""The processes of the platform as ``make run`` starts them: one entry per service.

A new service (complaint, relationship) is one more line in ``SERVICES``: its name
(also its env prefix, its database and its log file), its module (``python -m``), its port
and where its API is described."""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from branchflow_runtime.i18n import N_

DEFAULT_PORT_BASE = 8000
# A consumer group on the embedded broker settles in about a session timeout per member that
# joins: the default 10 s made the referral service's two subscribers take ~15 s, which the demo's
# suggested referrals wait for. On one machine 3 s is plenty (heartbeats every second); the
# variable in the environment wins.
DEV_SESSION_TIMEOUT_MS = "3000"


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    port: int  # with the default port base; `--port-base` moves every service together
    docs_path: str
    docs_label: str  # English msgid of the launcher's catalogue: the table shows it translated

    def port_from(self, base: int) -> int:
        return base + self.port - DEFAULT_PORT_BASE

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-m", self.module]


SERVICES: tuple[Service, ...] = (
    Service("gateway", "branchflow_gateway", 8000, "/graphql", N_("GraphiQL")),
    Service("identify", "identify", 8001, "/docs", N_("identify API")),
    Service("referral", "referral", 8002, "/docs", N_("referral API")),
)


def ports_from(base: int) -> dict[str, int]:
    return {s.name: s.port_from(base) for s in SERVICES}


def service_env(
    service: Service,
    ports: Mapping[str, int],
    database_url: str,
    bootstrap_servers: str,
    jwt_secret: str,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of one service process: its settings (env prefix = its name), where the
    gateway finds each service (``ports``: service → port), and ``extra`` (trace export)."""
    prefix = service.name.upper()
    return {
        **os.environ,
        f"{prefix}_DATABASE_URL": database_url,
        **{f"GATEWAY_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
        f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        f"{prefix}_HTTP_PORT": str(ports[service.name]),
        f"{prefix}_JWT_SECRET": jwt_secret,
        f"{prefix}_DEV_MODE": "true",
        f"{prefix}_KAFKA_SESSION_TIMEOUT_MS": os.environ.get(
            f"{prefix}_KAFKA_SESSION_TIMEOUT_MS", DEV_SESSION_TIMEOUT_MS
        ),
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }

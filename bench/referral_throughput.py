"""Referral throughput benchmark: referral forms per second through
REST → PostgreSQL → outbox → relay → Kafka, with ONE service worker process, beside a raw
aiokafka produce→consume baseline on the same broker in the same run.

    uv run python bench/referral_throughput.py [--count N] [--concurrency C]

A benchmark, not a test: it prints figures and writes them to
``bench/results/referral_throughput.json``; it asserts nothing about speed. It exits non-zero
only when the measurement itself is invalid (the service did not start, more than 1 % of the
requests failed, or the events never arrived).

The measurement is the harness's ``write_path.py`` (see bench/README.md): the file describes
the referral service's write, a lobby manager filing a referral form (``POST /referrals``), and
its event ``customer.referred`` keyed by the customer id.
"""

import sys

from harness.services import REFERRAL, REFERRAL_FORM
from harness.write_path import WritePath, main

# Each POST /referrals is one transaction: the person's lock, the filing rules (an open form, a
# not-premium block, an open register entry, the day not closed), the form and its outbox row.
REFERRAL_WRITE_PATH = WritePath(
    name="referral_throughput",
    service=REFERRAL,
    request=REFERRAL_FORM,
    topic="customer.referred",  # branchflow_contracts.Topic.CUSTOMER_REFERRED
    unit="referrals",
)

if __name__ == "__main__":
    sys.exit(main(REFERRAL_WRITE_PATH, __doc__.split("\n\n")[0]))

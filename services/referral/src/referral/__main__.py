"""``referral``: the HTTP API, the outbox relay, the Kafka consumers and the monthly summary job in
one process."""

from branchflow_runtime.server import serve
from referral.bootstrap import create_app
from referral.config import ReferralSettings


def main() -> None:
    serve(create_app, ReferralSettings())


if __name__ == "__main__":
    main()

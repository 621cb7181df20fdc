"""``identify``: the HTTP API, the outbox relay, the Kafka consumers and the rating sweep in
one process."""

from branchflow_runtime.server import serve
from identify.bootstrap import create_app
from identify.config import IdentifySettings


def main() -> None:
    serve(create_app, IdentifySettings())


if __name__ == "__main__":
    main()

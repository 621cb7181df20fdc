"""``identify``: the HTTP API, the outbox relay, the Kafka consumers and the rating sweep in
one process."""

import logging

import uvicorn

from identify.bootstrap import create_app
from identify.config import IdentifySettings


def main() -> None:
    settings = IdentifySettings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level="info",
        access_log=settings.access_log,
    )


if __name__ == "__main__":
    main()

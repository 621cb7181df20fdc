"""``gateway``: the GraphQL gateway."""

import logging

import uvicorn

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
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

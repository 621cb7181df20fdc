"""How every service process serves its app: uvicorn, one worker, settings' host and port."""

import logging
from collections.abc import Callable

import uvicorn

from branchflow_runtime.settings import ServiceSettings


def serve(create_app: Callable, settings: ServiceSettings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level="info",
        access_log=settings.access_log,
    )

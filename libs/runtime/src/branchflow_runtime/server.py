"""How every service process serves its app: uvicorn, one worker, settings' host and port."""

import gc
from collections.abc import Callable

import uvicorn

from branchflow_runtime.logs import configure_logging
from branchflow_runtime.settings import ServiceSettings


def serve(create_app: Callable, settings: ServiceSettings) -> None:
    configure_logging(settings.log_level)
    app = create_app(settings)
    freeze_startup_heap()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        # logging is configured above (branchflow_runtime.logs): uvicorn is not to redo it
        log_config=None,
        log_level=None,
        access_log=settings.access_log,
    )


def freeze_startup_heap() -> None:
    """What exists once the app is built (modules, schemas, routes) lives as long as the process:
    take it out of the garbage collector's view. Otherwise every full collection walks it all,
    a pause of about 40 ms in the gateway (its eight role schemas) that lands on whichever
    requests are in flight (bench/gateway_lobby_list.py)."""
    gc.collect()
    gc.freeze()

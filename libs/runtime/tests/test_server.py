"""How a service process is served: the app is built first, and what it built is taken out of the
garbage collector's view before the first request."""

import gc

from branchflow_runtime import server
from branchflow_runtime.settings import ServiceSettings


def test_the_built_app_is_frozen_out_of_the_collector_before_uvicorn_runs(monkeypatch):
    built = []
    seen_by_uvicorn = {}

    def create_app(settings):
        app = {"schemas": [object() for _ in range(1000)]}  # long-lived, made at startup
        built.append(app)
        return app

    def run(app, **options):
        seen_by_uvicorn.update(app=app, frozen=gc.get_freeze_count(), **options)

    monkeypatch.setattr(server.uvicorn, "run", run)
    monkeypatch.setattr(server, "configure_logging", lambda level: None)  # the test session's stays
    before = gc.get_freeze_count()
    try:
        server.serve(create_app, ServiceSettings(service_name="test", http_port=8123))
    finally:
        gc.unfreeze()
    assert seen_by_uvicorn["app"] is built[0]
    assert seen_by_uvicorn["frozen"] >= before + 1000  # the app's objects are in the permanent generation
    assert seen_by_uvicorn["port"] == 8123

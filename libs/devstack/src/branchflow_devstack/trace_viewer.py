"""The trace viewer of ``make run TRACES=1``: Arize Phoenix, on this machine.

Phoenix receives the services' spans over OTLP/HTTP, keeps them in SQLite under ``var/traces``,
opens a trace by its id at a stable address (``/redirects/traces/<trace id>``) and answers span
queries over REST (``/v1/projects/<project>/spans?trace_id=…``). It pins its own versions of
libraries the gateway uses (Strawberry among them), so it lives in an environment of its own,
locked in ``libs/devstack/trace-viewer/uv.lock`` and installed by ``make run TRACES=1`` and
``make test``. Compose and Kubernetes keep Jaeger."""

import os
from dataclasses import dataclass
from pathlib import Path

from branchflow_runtime.settings import project_root

VIEWER_PROJECT = Path("libs/devstack/trace-viewer")
# Phoenix groups spans into projects by this resource attribute; every service sends to one
PROJECT = "branchflow"
INSTALL_HINT = (
    "the trace viewer is not installed: `make run TRACES=1` installs it "
    f"(uv sync --frozen --project {VIEWER_PROJECT})"
)


def phoenix_executable() -> Path:
    return project_root() / VIEWER_PROJECT / ".venv" / "bin" / "phoenix"


@dataclass(frozen=True)
class TraceViewer:
    port: int
    grpc_port: int
    working_dir: Path
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ready_url(self) -> str:
        return f"{self.url}/healthz"

    @property
    def trace_url_template(self) -> str:
        return f"{self.url}/redirects/traces/{{trace_id}}"

    def spans_url(self, project: str = PROJECT) -> str:
        return f"{self.url}/v1/projects/{project}/spans"

    def command(self) -> list[str]:
        executable = phoenix_executable()
        if not executable.exists():
            raise FileNotFoundError(INSTALL_HINT)
        return [str(executable), "serve"]

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PHOENIX_HOST": self.host,
            "PHOENIX_PORT": str(self.port),
            "PHOENIX_GRPC_PORT": str(self.grpc_port),
            "PHOENIX_WORKING_DIR": str(self.working_dir),
            # a branch machine keeps its traces to itself and its pages work offline
            "PHOENIX_TELEMETRY_ENABLED": "false",
            "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false",
            "PYTHONUNBUFFERED": "1",
        }

    def exporting_env(self) -> dict[str, str]:
        """What a service needs to send its spans here (read by ``branchflow_runtime.telemetry``)."""
        attributes = [os.environ.get("OTEL_RESOURCE_ATTRIBUTES"), f"openinference.project.name={PROJECT}"]
        return {
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{self.url}/v1/traces",
            "OTEL_RESOURCE_ATTRIBUTES": ",".join(a for a in attributes if a),
        }

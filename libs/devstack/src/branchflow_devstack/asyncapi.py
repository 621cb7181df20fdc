"""Write or check every service's committed AsyncAPI document.

``python -m branchflow_devstack.asyncapi --write`` regenerates them; ``--check`` exits 1 when one
is stale."""

import argparse
import importlib
import sys
from pathlib import Path

from branchflow_runtime.settings import project_root

# service → module with a ``document() -> str``
SERVICES = {"identify": "identify.entrypoints.asyncapi", "referral": "referral.entrypoints.asyncapi"}


def committed_path(service: str) -> Path:
    return project_root() / "services" / service / "asyncapi.yaml"


def generate(service: str) -> str:
    return importlib.import_module(SERVICES[service]).document()


def stale_documents() -> list[str]:
    return [
        service
        for service in SERVICES
        if not committed_path(service).exists() or committed_path(service).read_text() != generate(service)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.write:
        for service in SERVICES:
            committed_path(service).write_text(generate(service))
            print(f"wrote {committed_path(service)}")
        return
    stale = stale_documents()
    if stale:
        print(f"stale AsyncAPI documents: {', '.join(stale)}; run `make asyncapi`")
        sys.exit(1)


if __name__ == "__main__":
    main()

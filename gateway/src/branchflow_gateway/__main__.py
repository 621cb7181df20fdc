"""``gateway``: the GraphQL gateway."""

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.server import serve


def main() -> None:
    serve(create_app, GatewaySettings())


if __name__ == "__main__":
    main()

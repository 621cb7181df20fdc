"""``branchflow-token``: mint dev tokens (embedded mode's HS256 secret)."""

import argparse
import os
from datetime import timedelta

from branchflow_runtime.auth.tokens import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mint a Branchflow dev token")
    parser.add_argument("--role", choices=[r.value for r in Role], help="one role; default: all")
    parser.add_argument("--branch", default="BR001")
    parser.add_argument("--staff", help="staff id (default: <role>-1)")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args(argv)
    secret = os.getenv("BRANCHFLOW_JWT_SECRET", DEV_JWT_SECRET)
    roles = [Role(args.role)] if args.role else list(Role)
    for role in roles:
        token = mint_token(
            args.staff or f"{role.value}-1",
            role,
            args.branch,
            secret=secret,
            ttl=timedelta(hours=args.hours),
        )
        print(f"{role.value}\t{token}")


if __name__ == "__main__":
    main()

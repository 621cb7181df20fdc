import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from branchflow_runtime.i18n import N_
from branchflow_runtime.settings import ServiceSettings


class Role(StrEnum):
    LOBBY_MANAGER = "lobby_manager"
    TELLER = "teller"
    WEALTH_MANAGER = "wealth_manager"
    MARKETING_MANAGER = "marketing_manager"
    SERVICE_QUALITY_OFFICER = "service_quality_officer"
    DEPUTY_BRANCH_HEAD = "deputy_branch_head"
    BRANCH_HEAD = "branch_head"
    HEAD_OFFICE = "head_office"
    OPS = "ops"


VERIFIED_CACHE_SIZE = 10_000
CROSS_BRANCH_ROLES = frozenset({Role.HEAD_OFFICE, Role.OPS})


@dataclass(frozen=True)
class Staff:
    staff_id: str
    role: Role
    branch_id: str
    token: str = ""

    def can_see_branch(self, branch_id: str) -> bool:
        return self.role in CROSS_BRANCH_ROLES or self.branch_id == branch_id


class InvalidToken(Exception):
    """The token is missing, malformed, expired, wrongly signed or names an unknown role.

    ``str()`` is the English text; ``message`` (a catalogue msgid) and ``params`` let an HTTP
    layer say it in the caller's language."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._secret = settings.jwt_secret.get_secret_value()
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None
        self._verified: dict[str, tuple[Staff, float]] = {}

    def verify(self, token: str) -> Staff:
        """The staff member the token names. A front end sends the same token with every
        request, so a verified token is remembered until it expires (signature checks were
        4 % of a gateway request)."""
        cached = self._verified.get(token)
        if cached is not None:
            staff, expires_at = cached
            if time.time() < expires_at:
                return staff
            del self._verified[token]
        staff, expires_at = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # the oldest entry
        self._verified[token] = (staff, expires_at)
        return staff

    def _verify(self, token: str) -> tuple[Staff, float]:
        try:
            if self._jwks is not None:
                key = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256", "ES256"]
            else:
                key, algorithms = self._secret, ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "role", "branch"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken(N_("token expired")) from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(N_("invalid token: {reason}"), reason=exc) from exc
        staff = Staff(
            staff_id=_claim(claims, "sub", STAFF_ID),
            role=_role(claims["role"]),
            branch_id=_claim(claims, "branch", BRANCH_ID),
            token=token,
        )
        return staff, float(claims["exp"])


# the identifiers the services accept in paths and bodies: a claim that is not one is not ours
STAFF_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
BRANCH_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _claim(claims: dict, name: str, pattern: re.Pattern) -> str:
    """A claim that must be an identifier: a list, a number or an empty string is refused, never
    turned into text."""
    value = claims[name]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidToken(
            N_("claim {name!r} must be an identifier matching {pattern}"), name=name, pattern=pattern.pattern
        )
    return value


def _role(value) -> Role:
    if not isinstance(value, str):
        raise InvalidToken(N_("claim {name!r} must be a string"), name="role")
    try:
        return Role(value)
    except ValueError:
        raise InvalidToken(N_("unknown role {role!r}"), role=value[:40]) from None


def mint_token(
    staff_id: str,
    role: Role | str,
    branch_id: str,
    *,
    secret: str,
    ttl: timedelta = timedelta(hours=12),
    audience: str = "branchflow",
    issuer: str = "branchflow",
) -> str:
    """A dev token (HS256). Production tokens come from the bank's identity provider."""
    now = datetime.now(UTC)
    return jwt.encode(
        {
            "sub": staff_id,
            "role": str(role),
            "branch": branch_id,
            "iat": now,
            "exp": now + ttl,
            "aud": audience,
            "iss": issuer,
        },
        secret,
        algorithm="HS256",
    )

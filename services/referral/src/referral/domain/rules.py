"""The bank's numbers for referrals, from a file the bank edits (``referral.toml``), checked at
start: a service with a wrong file does not start, and the error names each bad entry."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# What identify's ``reason`` may be for an identification to become a suggested referral: the
# customer is in the branch (observed in the lobby, or a large transaction posted at the counter).
KNOWN_REASONS = frozenset({"observation", "system_mining", "facts_changed", "periodic_sweep"})


class InvalidRules(ValueError):
    """The rules file is wrong; the message names the file and every bad entry."""


@dataclass(frozen=True)
class ReferralRules:
    # 判断为非优质客户: nobody refers the customer again for this many days (or until a higher tier)
    no_referral_days_after_not_premium: int = 180
    # 多次联络仍不能获得见面机会: failures in a row after which the register proposes to abandon
    abandon_after_failures: int = 3
    suggestion_reasons: frozenset[str] = field(
        default_factory=lambda: frozenset({"observation", "system_mining"})
    )

    @classmethod
    def from_toml(cls, path: Path) -> "ReferralRules":
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidRules(f"{path}: {exc}") from exc
        try:
            return cls.from_dict(raw)
        except InvalidRules as exc:
            raise InvalidRules(f"{path}: {exc}") from None

    @classmethod
    def from_dict(cls, raw: dict) -> "ReferralRules":
        problems: list[str] = []
        expected = {
            "not_premium": {"no_referral_days"},
            "follow_up": {"abandon_after_failures"},
            "suggestions": {"from_reasons"},
        }
        for section in sorted(set(raw) - set(expected)):
            problems.append(f"unknown section [{section}]")
        for section, keys in expected.items():
            table = raw.get(section)
            if not isinstance(table, dict):
                problems.append(f"missing section [{section}]")
                continue
            problems += [f"unknown key {section}.{k}" for k in sorted(set(table) - keys)]
            problems += [f"missing key {section}.{k}" for k in sorted(keys - set(table))]
        if problems:
            raise InvalidRules("; ".join(problems))
        days = raw["not_premium"]["no_referral_days"]
        failures = raw["follow_up"]["abandon_after_failures"]
        reasons = raw["suggestions"]["from_reasons"]
        if not _whole(days) or not 1 <= days <= 3650:
            problems.append(
                f"not_premium.no_referral_days must be a whole number of days 1–3650, not {days!r}"
            )
        if not _whole(failures) or not 1 <= failures <= 50:
            problems.append(f"follow_up.abandon_after_failures must be a whole number 1–50, not {failures!r}")
        if not isinstance(reasons, list) or not reasons or not set(map(str, reasons)) <= KNOWN_REASONS:
            problems.append(
                f"suggestions.from_reasons must be a non-empty list of {', '.join(sorted(KNOWN_REASONS))}, "
                f"not {reasons!r}"
            )
        if problems:
            raise InvalidRules("; ".join(problems))
        return cls(
            no_referral_days_after_not_premium=days,
            abandon_after_failures=failures,
            suggestion_reasons=frozenset(reasons),
        )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

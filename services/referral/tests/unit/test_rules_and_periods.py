"""The not-premium period, counts across week and month boundaries (ISO weeks, Monday first;
months in Asia/Shanghai), the first working day of a month, and the bank's rules file."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from branchflow_contracts import MarketingResult, ReferralStatus
from referral.domain.counts import CountedForm, count_by_staff
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.periods import (
    Period,
    branch_day,
    first_working_day_of_month,
    period_bounds,
    previous_month,
)
from referral.domain.refusals import Refusal, Refused
from referral.domain.rules import InvalidRules, ReferralRules

JUDGED = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def block(rules: ReferralRules = ReferralRules()) -> NotPremiumBlock:
    return NotPremiumBlock.judge(subject_key="C1", referral_id="R1", by="wm-1", at=JUDGED, rules=rules)


def test_a_not_premium_customer_is_refused_for_180_days_then_accepted():
    b = block()
    with pytest.raises(Refused) as refused:
        b.check(JUDGED + timedelta(days=179, hours=23))
    assert refused.value.code is Refusal.FOLLOWED_UP_RECENTLY
    assert refused.value.message == (
        "A wealth manager already followed this customer up on 2026-03-01; no new referral before 2026-08-28."
    )
    for word in ("tier", "premium_core", "potential", "to_win", "ordinary", "score"):
        assert word not in refused.value.message
    b.check(JUDGED + timedelta(days=180))  # the period is over


def test_the_bank_sets_the_period():
    b = block(ReferralRules(no_referral_days_after_not_premium=30))
    assert b.blocks(JUDGED + timedelta(days=29))
    assert not b.blocks(JUDGED + timedelta(days=30))


def test_a_higher_tier_lifts_the_block():
    b = block()
    assert b.lift(at=JUDGED + timedelta(days=10), reason="customer.rerated") is True
    b.check(JUDGED + timedelta(days=11))
    assert b.lift(at=JUDGED + timedelta(days=12), reason="again") is False


def test_a_higher_tier_reported_before_the_verdict_does_not_lift_it():
    """An event of identify read late: the wealth manager judged knowing that tier."""
    b = block()
    assert b.lift(at=JUDGED - timedelta(minutes=5), reason="customer.identified") is False
    assert b.blocks(JUDGED + timedelta(days=1))


def test_iso_weeks_start_on_monday_and_cross_the_year():
    assert period_bounds(Period.WEEK, date(2026, 12, 31)) == (date(2026, 12, 28), date(2027, 1, 3))
    assert period_bounds(Period.WEEK, date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_bounds(Period.WEEK, date(2026, 11, 29)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_bounds(Period.MONTH, date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert period_bounds(Period.DAY, date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 1))
    assert previous_month(date(2027, 1, 4)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_the_branch_day_is_shanghai_time():
    assert branch_day(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == date(2026, 2, 1)
    assert branch_day(datetime(2026, 1, 31, 15, 59, tzinfo=UTC)) == date(2026, 1, 31)


def counted(staff: str, moment: datetime, **kw) -> CountedForm:
    return CountedForm(
        staff_id=staff,
        role=kw.pop("role", "teller"),
        business_day=branch_day(moment),
        filed_as=kw.pop("filed_as", ReferralStatus.REFERRED),
        status=kw.pop("status", ReferralStatus.REFERRED),
        **kw,
    )


def test_counts_per_staff_across_week_and_month_boundaries():
    forms = [
        # Sunday 31 May 23:30 in Shanghai: May, and the ISO week of 25–31 May
        counted("t-1", datetime(2026, 5, 31, 15, 30, tzinfo=UTC)),
        # Monday 1 June 00:30 in Shanghai (still 31 May in UTC): June, and a new week
        counted("t-1", datetime(2026, 5, 31, 16, 30, tzinfo=UTC), filed_as=ReferralStatus.PENDING),
        counted(
            "t-2",
            datetime(2026, 6, 2, 3, 0, tzinfo=UTC),
            status=ReferralStatus.CONFIRMED,
            met=True,
            result=MarketingResult.SOLD,
        ),
        counted("t-2", datetime(2026, 6, 2, 4, 0, tzinfo=UTC), status=ReferralStatus.WITHDRAWN),
        counted("lm-1", datetime(2026, 6, 7, 15, 59, tzinfo=UTC), role="lobby_manager"),  # Sunday 23:59
        # a week across a month: Tuesday 30 June and Wednesday 1 July
        counted("t-3", datetime(2026, 6, 30, 2, 0, tzinfo=UTC)),
        counted("t-3", datetime(2026, 7, 1, 2, 0, tzinfo=UTC)),
    ]

    def totals(period: Period, anchor: date) -> dict[str, tuple]:
        first, last = period_bounds(period, anchor)
        return {
            c.staff_id: (c.filed, c.referred, c.pending, c.met, c.sold)
            for c in count_by_staff(forms, first, last)
        }

    assert totals(Period.MONTH, date(2026, 5, 15)) == {"t-1": (1, 1, 0, 0, 0)}
    assert totals(Period.MONTH, date(2026, 6, 15)) == {
        "lm-1": (1, 1, 0, 0, 0),
        "t-1": (1, 0, 1, 0, 0),
        "t-2": (1, 1, 0, 1, 1),  # the withdrawn form does not count
        "t-3": (1, 1, 0, 0, 0),
    }
    assert totals(Period.WEEK, date(2026, 5, 27)) == {"t-1": (1, 1, 0, 0, 0)}
    assert totals(Period.WEEK, date(2026, 6, 4)) == {
        "lm-1": (1, 1, 0, 0, 0),
        "t-1": (1, 0, 1, 0, 0),
        "t-2": (1, 1, 0, 1, 1),
    }
    assert totals(Period.WEEK, date(2026, 7, 5)) == {"t-3": (2, 2, 0, 0, 0)}
    assert totals(Period.MONTH, date(2026, 7, 1)) == {"t-3": (1, 1, 0, 0, 0)}
    assert totals(Period.DAY, date(2026, 6, 1)) == {"t-1": (1, 0, 1, 0, 0)}
    assert totals(Period.WEEK, date(2026, 6, 8)) == {}


class FakeCalendar:
    """Weekends off, plus the listed holidays; the listed weekend days are worked (调休)."""

    def __init__(self, holidays=(), worked_weekends=()) -> None:
        self.holidays, self.worked = set(holidays), set(worked_weekends)

    def is_working_day(self, day: date) -> bool:
        return day in self.worked or (day.weekday() < 5 and day not in self.holidays)


def test_the_first_working_day_of_a_month_follows_the_calendar():
    calendar = FakeCalendar(
        holidays=[date(2026, 10, d) for d in range(1, 8)], worked_weekends=[date(2026, 2, 1)]
    )
    assert first_working_day_of_month(date(2026, 10, 20), calendar) == date(2026, 10, 8)
    assert first_working_day_of_month(date(2026, 11, 30), calendar) == date(2026, 11, 2)  # 1 Nov is a Sunday
    assert first_working_day_of_month(date(2026, 2, 14), calendar) == date(2026, 2, 1)  # a worked Sunday


def test_the_shipped_rules_file_loads():
    rules = ReferralRules.from_toml(Path(__file__).parents[2] / "src" / "referral" / "referral.toml")
    assert rules == ReferralRules()


def test_a_wrong_rules_file_names_every_bad_entry(tmp_path):
    path = tmp_path / "referral.toml"
    path.write_text(
        "[not_premium]\nno_referral_days = 0\n[follow_up]\nabandon_after_failures = 'three'\n"
        "[suggestions]\nfrom_reasons = ['gossip']\n"
    )
    with pytest.raises(InvalidRules) as wrong:
        ReferralRules.from_toml(path)
    message = str(wrong.value)
    assert str(path) in message
    assert "not_premium.no_referral_days" in message
    assert "follow_up.abandon_after_failures" in message
    assert "suggestions.from_reasons" in message
    path.write_text("[not_premium]\nno_referral_day = 10\n[extra]\n")
    with pytest.raises(InvalidRules) as wrong:
        ReferralRules.from_toml(path)
    assert str(wrong.value).endswith(
        "unknown section [extra]; unknown key not_premium.no_referral_day; missing key "
        "not_premium.no_referral_days; missing section [follow_up]; missing section [suggestions]"
    )


def test_the_roles_that_file_are_those_the_access_policy_lets_file():
    from branchflow_runtime import access as policy
    from branchflow_runtime.access import Action
    from referral.access import FILING_SOURCES

    assert set(FILING_SOURCES) == policy.roles_doing(Action.FILE_REFERRAL)

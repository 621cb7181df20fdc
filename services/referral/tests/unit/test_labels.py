"""Every code of the referral service a member of staff can see has a label in Chinese and in
English, and refusals are worded with times in the branch's zone and codes as labels."""

from datetime import UTC, datetime

import pytest

from branchflow_contracts import FollowUpStatus, MarketingResult, ReferralSource, ReferralStatus
from branchflow_runtime.i18n import label, use_locale
from referral.domain.refusals import REFUSAL_TEXTS, Refusal
from referral.labels import LABELS, say

CODES = [
    code
    for enum in (*LABELS, ReferralStatus, ReferralSource, MarketingResult, FollowUpStatus)
    for code in enum
]


@pytest.mark.parametrize("code", CODES, ids=lambda c: f"{type(c).__name__}.{c.name}")
def test_every_code_has_a_label_in_both_languages(code):
    chinese, english = label(code, "zh_CN"), label(code, "en")
    assert chinese != english and code.value not in (chinese, english)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def test_a_refusal_reads_in_the_callers_language_with_branch_times_and_labels():
    template = REFUSAL_TEXTS[Refusal.ENTRY_CLOSED]
    params = {"status": FollowUpStatus.CONVERTED, "at": datetime(2026, 11, 23, 9, 30, tzinfo=UTC)}
    with use_locale("en"):
        assert say(template, params) == (
            "The follow-up entry is closed (Converted to relationship maintenance) since "
            "2026-11-23T17:30:00+08:00."
        )
    with use_locale("zh_CN"):
        assert say(template, params) == "该待跟进记录已于 2026-11-23T17:30:00+08:00 结束（已转入关系维护）。"

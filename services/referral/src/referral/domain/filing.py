"""The rules for filing a new form, over what is known of the people it is about. Several forms
can be decided in one transaction (group commit): each as if it were alone, in order, the state
kept current as each is admitted, so a second form for the same person sees the first."""

from dataclasses import dataclass
from datetime import date

from referral.domain.business_day import BusinessDay
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.referral import Referral
from referral.domain.refusals import Refusal, Refused


@dataclass
class FilingState:
    """What the filing rules need to know of the people some new forms are about (the repository
    loads it locked): forms with the same ids filed before, the days they fall on, not-premium
    blocks, open forms, and who is followed up in a register."""

    existing: dict[str, Referral]  # by referral id
    days: dict[tuple[str, date], BusinessDay]
    blocks: dict[str, NotPremiumBlock]  # by person key
    open_forms: dict[str, Referral]  # by person key
    followed_up: set[str]  # person keys with an active register entry

    def admitted(self, referral: Referral) -> None:
        self.existing[referral.referral_id] = referral
        self.open_forms[referral.subject.key] = referral


def check_filing(state: FilingState, referral: Referral) -> Referral | None:
    """None when the form may be filed; the stored form when one with the same id was filed
    before with the same content (a retry); else the refusal is raised: the id taken by another
    form, the day closed, the person judged not premium lately, referred already, or followed up."""
    key = referral.subject.key
    existing = state.existing.get(referral.referral_id)
    if existing is not None:
        if existing.same_filing(referral):
            return existing
        raise Refused(Refusal.REFERRAL_ID_TAKEN, referral_id=referral.referral_id)
    state.days[referral.branch_id, referral.business_day].check_accepts_forms()
    block = state.blocks.get(key)
    if block is not None:
        block.check(referral.referred_at)
    open_form = state.open_forms.get(key)
    if open_form is not None:
        raise Refused(Refusal.ALREADY_REFERRED, day=open_form.business_day, referral_id=open_form.referral_id)
    if key in state.followed_up:
        raise Refused(Refusal.ALREADY_FOLLOWED_UP)
    return None

"""The follow-up register (待跟进客户信息记录表) and the work diary (工作日志).

An entry per customer copied in: the wealth manager's analysis (means, character, likely needs),
planned contacts (which make up the diary per day), attempts with their result and next step,
appointments. Its status machine:

    open ──failure × N in a row──▶ abandon_proposed ──confirm──▶ abandoned
    abandon_proposed ──decline, or a contact that succeeds──▶ open
    open | abandon_proposed ──verdict not premium──▶ not_premium      (closed; the not-premium rule)
    open | abandon_proposed ──verdict premium──▶ converted           (relationship maintenance)

A closed entry takes nothing more. The register is confidential (严禁泄漏): who may read it is
decided in ``referral.access``, and every read is recorded."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    CustomerConverted,
    FollowUpAbandoned,
    FollowUpAppointmentMade,
    FollowUpAttemptRecorded,
    FollowUpOpened,
    FollowUpStatus,
    ReferralSource,
    Verdict,
)
from referral.domain.people import Subject
from referral.domain.referral import Referral
from referral.domain.refusals import Refusal, Refused
from referral.domain.rules import ReferralRules

CLOSED_STATUSES = frozenset({FollowUpStatus.ABANDONED, FollowUpStatus.NOT_PREMIUM, FollowUpStatus.CONVERTED})
FAILURES = frozenset({AttemptResult.NO_ANSWER, AttemptResult.UNREACHABLE, AttemptResult.DECLINED})


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Analysis:
    """The wealth manager's first look (客户实力、性格爱好、可能的金融需求)."""

    means: str | None = None
    character: str | None = None
    likely_needs: str | None = None


@dataclass(frozen=True)
class PlannedContact:
    """A planned contact: one line of the wealth manager's diary for ``day``."""

    entry_id: str
    wealth_manager_id: str
    day: date
    way: ContactWay
    at_time: time | None = None
    purpose: str | None = None
    contact_id: str = field(default_factory=_new_id)


@dataclass(frozen=True)
class Attempt:
    entry_id: str
    way: ContactWay
    result: AttemptResult
    attempted_at: datetime
    recorded_by: str
    note: str | None = None
    next_step: str | None = None
    planned_contact_id: str | None = None  # the diary line it carried out, if any
    attempt_id: str = field(default_factory=_new_id)

    @property
    def failed(self) -> bool:
        return self.result in FAILURES


@dataclass(frozen=True)
class Appointment:
    """An agreed meeting: the appointment record (预约记录) in the diary of the day it falls on."""

    entry_id: str
    wealth_manager_id: str
    meets_at: datetime
    place: str | None = None
    note: str | None = None
    appointment_id: str = field(default_factory=_new_id)


@dataclass
class FollowUpEntry:
    referral_id: str
    branch_id: str
    subject: Subject
    wealth_manager_id: str
    source: ReferralSource
    opened_at: datetime
    entry_id: str = field(default_factory=_new_id)
    status: FollowUpStatus = FollowUpStatus.OPEN
    analysis: Analysis = field(default_factory=Analysis)
    failures_in_a_row: int = 0
    closed_by: str | None = None
    closed_at: datetime | None = None

    @classmethod
    def copied_from(cls, referral: Referral, at: datetime) -> "FollowUpEntry":
        """A form's customer copied into its wealth manager's register."""
        entry = cls(
            referral_id=referral.referral_id,
            branch_id=referral.branch_id,
            subject=referral.subject,
            wealth_manager_id=referral.wealth_manager_id,
            source=referral.source,
            opened_at=at,
        )
        referral.entry_id = entry.entry_id
        return entry

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def update_analysis(self, analysis: Analysis) -> None:
        self._refuse_if_closed()
        self.analysis = analysis

    def plan_contact(
        self, *, day: date, way: ContactWay, at_time: time | None = None, purpose: str | None = None
    ) -> PlannedContact:
        self._refuse_if_closed()
        return PlannedContact(
            entry_id=self.entry_id,
            wealth_manager_id=self.wealth_manager_id,
            day=day,
            way=way,
            at_time=at_time,
            purpose=purpose,
        )

    def record_attempt(self, attempt: Attempt, rules: ReferralRules) -> None:
        """Count failures in a row; at the bank's number the register proposes to abandon. A
        contact that succeeds starts the count again and withdraws a proposal."""
        self._refuse_if_closed()
        if attempt.failed:
            self.failures_in_a_row += 1
            if self.failures_in_a_row >= rules.abandon_after_failures:
                self.status = FollowUpStatus.ABANDON_PROPOSED
        else:
            self.failures_in_a_row = 0
            self.status = FollowUpStatus.OPEN

    def make_appointment(
        self, *, meets_at: datetime, place: str | None = None, note: str | None = None
    ) -> Appointment:
        self._refuse_if_closed()
        return Appointment(
            entry_id=self.entry_id,
            wealth_manager_id=self.wealth_manager_id,
            meets_at=meets_at,
            place=place,
            note=note,
        )

    def confirm_abandon(self, *, by: str, at: datetime, rules: ReferralRules) -> bool:
        """The wealth manager confirms the register's proposal. True when abandoned now."""
        if self.status is FollowUpStatus.ABANDONED:
            return False
        self._refuse_if_closed()
        if self.status is not FollowUpStatus.ABANDON_PROPOSED:
            raise Refused(
                Refusal.ABANDON_NOT_PROPOSED,
                needed=rules.abandon_after_failures,
                failures=self.failures_in_a_row,
            )
        self.status, self.closed_by, self.closed_at = FollowUpStatus.ABANDONED, by, at
        return True

    def decline_abandon(self) -> bool:
        """Keep following up: the proposal goes, the failures count from zero again."""
        self._refuse_if_closed()
        if self.status is not FollowUpStatus.ABANDON_PROPOSED:
            return False
        self.status, self.failures_in_a_row = FollowUpStatus.OPEN, 0
        return True

    def judge(self, verdict: Verdict, *, by: str, at: datetime) -> bool:
        """Not premium closes the entry; premium converts the customer. True when it changed;
        False when the same verdict was given already."""
        outcome = FollowUpStatus.CONVERTED if verdict is Verdict.PREMIUM else FollowUpStatus.NOT_PREMIUM
        if self.status is outcome:
            return False
        self._refuse_if_closed()
        self.status, self.closed_by, self.closed_at = outcome, by, at
        return True

    def _refuse_if_closed(self) -> None:
        if self.is_closed:
            raise Refused(Refusal.ENTRY_CLOSED, status=self.status, at=self.closed_at)

    # events

    def opened_event(self) -> FollowUpOpened:
        return FollowUpOpened(
            entry_id=self.entry_id,
            referral_id=self.referral_id,
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            wealth_manager_id=self.wealth_manager_id,
            source=self.source,
            opened_at=self.opened_at,
        )

    def attempt_event(self, attempt: Attempt) -> FollowUpAttemptRecorded:
        return FollowUpAttemptRecorded(
            entry_id=self.entry_id,
            attempt_id=attempt.attempt_id,
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            wealth_manager_id=self.wealth_manager_id,
            way=attempt.way,
            result=attempt.result,
            failures_in_a_row=self.failures_in_a_row,
            abandon_proposed=self.status is FollowUpStatus.ABANDON_PROPOSED,
            attempted_at=attempt.attempted_at,
        )

    def appointment_event(self, appointment: Appointment, made_at: datetime) -> FollowUpAppointmentMade:
        return FollowUpAppointmentMade(
            entry_id=self.entry_id,
            appointment_id=appointment.appointment_id,
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            wealth_manager_id=self.wealth_manager_id,
            meets_at=appointment.meets_at,
            made_at=made_at,
        )

    def close_as_duplicate(self, *, by: str, at: datetime) -> None:
        """A second active entry of one person, found when a walk-in was linked to the customer
        id that had one: abandoned, its history kept (``referral.domain.linking``)."""
        self.status, self.closed_by, self.closed_at = FollowUpStatus.ABANDONED, by, at

    def abandoned_event(self) -> FollowUpAbandoned:
        return FollowUpAbandoned(
            entry_id=self.entry_id,
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            wealth_manager_id=self.wealth_manager_id,
            failures_in_a_row=self.failures_in_a_row,
            abandoned_by=self.closed_by,
            abandoned_at=self.closed_at,
        )

    def converted_event(self) -> CustomerConverted:
        return CustomerConverted(
            customer_id=self.subject.key,
            branch_id=self.branch_id,
            referral_id=self.referral_id,
            entry_id=self.entry_id,
            wealth_manager_id=self.wealth_manager_id,
            converted_at=self.closed_at,
        )

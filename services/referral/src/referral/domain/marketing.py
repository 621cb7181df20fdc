"""Targeted marketing (定向营销): introductions by existing customers (现有优质客户介绍), field visits
(外勤访问), seminars and salons (金融研讨会/理财沙龙). Each ends with a handover to a wealth manager
with the customer's data (客户资料完整地移交), which files a ``pending`` referral that goes straight
into that manager's follow-up register."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from branchflow_contracts import ReferralSource, ReferralStatus
from referral.domain.people import Subject
from referral.domain.referral import AgreedContact, Referral
from referral.domain.refusals import N_, Invalid, NotFound, Refusal, Refused


class ActivityKind(StrEnum):
    INTRODUCTION = "introduction"
    FIELD_VISIT = "field_visit"
    SEMINAR = "seminar"
    SALON = "salon"


class ParticipantRole(StrEnum):
    INTRODUCED = "introduced"  # the friend or relative an existing customer introduced
    MET = "met"  # met on a field visit
    ATTENDEE = "attendee"  # came to a seminar or salon
    GUEST = "guest"  # a friend an attendee brought along


SOURCE_OF = {
    ActivityKind.INTRODUCTION: ReferralSource.INTRODUCTION,
    ActivityKind.FIELD_VISIT: ReferralSource.FIELD_VISIT,
    ActivityKind.SEMINAR: ReferralSource.SEMINAR,
    ActivityKind.SALON: ReferralSource.SEMINAR,
}


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Participant:
    subject: Subject
    role: ParticipantRole
    brought_by: str | None = None  # the attendee's person id, for a guest
    person_id: str = field(default_factory=_new_id)
    referral_id: str | None = None  # the handover's referral
    handed_to: str | None = None  # the wealth manager


@dataclass
class MarketingActivity:
    kind: ActivityKind
    branch_id: str
    organised_by: str
    organiser_role: str
    day: date
    created_at: datetime
    participants: list[Participant]
    topic: str | None = None  # seminar, salon
    place: str | None = None  # field visit, seminar, salon
    introducer_customer_id: str | None = None  # introduction
    thanked_by: str | None = None
    thanked_at: datetime | None = None
    reward_due: bool = False
    activity_id: str = field(default_factory=_new_id)

    @classmethod
    def introduction(
        cls, *, introducer_customer_id: str, introduced: list[Subject], **common
    ) -> "MarketingActivity":
        if not introduced:
            raise Invalid("introduced", N_("an introduction names at least one person introduced"))
        if any(s.customer_id == introducer_customer_id for s in introduced):
            raise Invalid("introduced", N_("the introducer cannot introduce themselves"))
        people = [Participant(s, ParticipantRole.INTRODUCED) for s in introduced]
        return cls(
            ActivityKind.INTRODUCTION,
            participants=people,
            introducer_customer_id=introducer_customer_id,
            **common,
        )

    @classmethod
    def field_visit(cls, *, place: str, met: list[Subject], **common) -> "MarketingActivity":
        if not met:
            raise Invalid("met", N_("a field visit names at least one customer met"))
        return cls(
            ActivityKind.FIELD_VISIT,
            participants=[Participant(s, ParticipantRole.MET) for s in met],
            place=place,
            **common,
        )

    @classmethod
    def seminar(
        cls,
        *,
        kind: ActivityKind,
        topic: str,
        place: str,
        attendees: list[tuple[Subject, list[Subject]]],
        **common,
    ) -> "MarketingActivity":
        """``attendees``: each attendee with the friends they brought (可邀请他们带一两位朋友来参加)."""
        if kind not in (ActivityKind.SEMINAR, ActivityKind.SALON):
            raise Invalid("kind", N_("a seminar is a seminar or a salon, not {kind}"), kind=kind)
        people = []
        for attendee, friends in attendees:
            host = Participant(attendee, ParticipantRole.ATTENDEE)
            people.append(host)
            people += [
                Participant(friend, ParticipantRole.GUEST, brought_by=host.person_id) for friend in friends
            ]
        return cls(kind, participants=people, topic=topic, place=place, **common)

    def participant(self, person_id: str) -> Participant:
        for person in self.participants:
            if person.person_id == person_id:
                return person
        raise NotFound("participant", person_id)

    def hand_over(
        self,
        person_id: str,
        *,
        wealth_manager_id: str,
        contact: AgreedContact,
        by: str,
        by_role: str,
        at: datetime,
        note: str | None = None,
        referral_id: str | None = None,
    ) -> Referral | None:
        """Hand a person over to a wealth manager: a ``pending`` referral filed by ``by``. None when
        this person was handed to this manager already (a retried request)."""
        person = self.participant(person_id)
        if person.referral_id is not None:
            if person.handed_to == wealth_manager_id:
                return None
            raise Refused(
                Refusal.ALREADY_HANDED_OVER,
                wealth_manager_id=person.handed_to,
                referral_id=person.referral_id,
            )
        referral = Referral.file(
            branch_id=self.branch_id,
            subject=person.subject,
            referred_by=by,
            referrer_role=by_role,
            source=SOURCE_OF[self.kind],
            status=ReferralStatus.PENDING,
            wealth_manager_id=wealth_manager_id,
            at=at,
            contact=contact,
            activity_id=self.activity_id,
            note=note,
            referral_id=referral_id,
        )
        person.referral_id, person.handed_to = referral.referral_id, wealth_manager_id
        return referral

    def thank_introducer(self, *, by: str, at: datetime, reward_due: bool) -> bool:
        """The introducer was thanked (引荐成功后…表示感谢); ``reward_due`` flags a reward."""
        if self.kind is not ActivityKind.INTRODUCTION:
            raise Invalid(
                "activity_id",
                N_("only an introduction has an introducer to thank, not a {kind}"),
                kind=self.kind,
            )
        if self.thanked_at is not None:
            if self.reward_due == reward_due:
                return False
            raise Refused(Refusal.ALREADY_THANKED, at=self.thanked_at)
        self.thanked_by, self.thanked_at, self.reward_due = by, at, reward_due
        return True

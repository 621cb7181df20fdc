"""Identify's field resolvers, written once; ``fields`` names the ones each role may have. Fields
that call a service are nullable, so one service being down gives partial data and an error."""

import uuid
from collections.abc import AsyncGenerator
from datetime import date, datetime

import strawberry

from branchflow_contracts import HandlingOutcome, is_prospect_id
from branchflow_gateway.batches import forget
from branchflow_gateway.context import Info
from branchflow_gateway.errors import BadUserInput, Forbidden
from branchflow_gateway.identify.types import (
    BranchIdentification,
    CustomerFacts,
    FactsInput,
    FactsUpdate,
    Guidance,
    HandlingOutcomeType,
    IdentificationCounts,
    IdentificationTrace,
    LobbyIdentification,
    ObservationInput,
    ObservationResult,
    Prospect,
    ProspectInput,
    ProspectLinked,
    ProspectRecorded,
    QueueCheck,
    QueueCheckInput,
    QueueChecks,
    Rating,
)
from branchflow_gateway.language import _
from branchflow_runtime import access
from branchflow_runtime.access import Data
from branchflow_runtime.i18n import RUNTIME_CATALOGUE

OUTSIDE_YOUR_BRANCH = "branch {branch} is outside your branch {own_branch}"  # the runtime's text


async def lobby_list(info: Info, day: date | None = None) -> list[LobbyIdentification] | None:
    """Today's (or ``day``'s) identifications in the own branch, newest first, as guidance."""
    ctx = info.context
    rows = await ctx.identify.lobby_lists.rows(ctx.staff, day)
    return [LobbyIdentification.from_json(r) for r in rows]


async def record_observation(info: Info, observation: ObservationInput) -> ObservationResult:
    """Record what was observed of a customer; the answer is where to send them."""
    ctx = info.context
    data = await ctx.identify.client.record_observation(ctx.staff.token, observation.to_json())
    ctx.identify.lobby_lists.changed(ctx.staff.branch_id)  # this caller sees its own identification next
    return ObservationResult(
        identification_id=strawberry.ID(data["identification_id"]),
        customer_id=data["customer_id"],
        guidance=Guidance.from_json(data["guidance"]),
        identified_at=datetime.fromisoformat(data["identified_at"]),
    )


async def customer_rating(info: Info, customer_id: str) -> Rating | None:
    """A customer of the own branch: tier, score and what counted."""
    return Rating.from_json(await info.context.identify.loaders.ratings.load(customer_id))


async def customer_facts(info: Info, customer_id: str) -> CustomerFacts | None:
    """A customer of the own branch: holdings, standing, and personal data (masked unless yours)."""
    ctx = info.context
    return CustomerFacts.from_json(await ctx.identify.client.facts(ctx.staff.token, customer_id))


async def update_customer_facts(info: Info, customer_id: str, facts: FactsInput) -> FactsUpdate:
    """Create or replace a customer's facts; the answer is the new rating."""
    ctx = info.context
    data = await ctx.identify.client.put_facts(ctx.staff.token, customer_id, facts.to_json())
    forget(ctx.identify.loaders.ratings, customer_id)
    return FactsUpdate(rating=Rating.from_json(data["rating"]), tier_changed=data["tier_changed"])


async def branch_identifications(info: Info, day: date | None = None) -> list[BranchIdentification] | None:
    """Today's (or ``day``'s) identifications in the own branch, newest first, with tier and score
    (a visiting customer's stay with their home branch)."""
    ctx = info.context
    rows = await ctx.identify.client.lobby_list(ctx.staff.token, ctx.staff.branch_id, day)
    return [BranchIdentification.from_json(r) for r in rows]


async def identification_counts(
    info: Info, day: date | None = None, branch_id: str | None = None
) -> IdentificationCounts | None:
    """The day's identifications by tier and channel; the own branch unless you are head office."""
    staff = info.context.staff
    branch = branch_id or staff.branch_id
    if not access.may_read(staff, Data.COUNTS, branch_id=branch):
        text = RUNTIME_CATALOGUE.gettext(OUTSIDE_YOUR_BRANCH)
        raise Forbidden(text.format(branch=branch, own_branch=staff.branch_id))
    return IdentificationCounts.from_json(await info.context.identify.client.counts(staff.token, branch, day))


async def branch_identification_counts(
    info: Info, day: date | None = None
) -> list[IdentificationCounts] | None:
    """The same, for every branch."""
    rows = await info.context.identify.client.counts_all_branches(info.context.staff.token, day)
    return [IdentificationCounts.from_json(r) for r in rows]


def _uuid(name: str, value: strawberry.ID) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise BadUserInput(_("{name} '{value}' is not a UUID").format(name=name, value=value)) from None


def _prospect_id(value: strawberry.ID) -> str:
    """A walk-in's id: derived from the phone (P + 12 hex digits), or a UUID (recorded without a
    phone, or before ids were derived)."""
    if is_prospect_id(str(value)):
        return str(value)
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        message = _("prospectId '{value}' is neither a prospect id (P and 12 hex digits) nor a UUID")
        raise BadUserInput(message.format(value=value)) from None


async def identification_trace(info: Info, identification_id: strawberry.ID) -> IdentificationTrace | None:
    """The trace id of the request that made an identification, and where it opens."""
    _uuid("identificationId", identification_id)
    data = await info.context.identify.loaders.identifications.load(str(identification_id))
    trace_id, template = data["trace_id"], info.context.identify.trace_url_template
    return IdentificationTrace(
        identification_id=strawberry.ID(data["identification_id"]),
        branch_id=data["branch_id"],
        trace_id=trace_id,
        identified_at=datetime.fromisoformat(data["identified_at"]),
        trace_url=template.format(trace_id=trace_id) if template and trace_id else None,
    )


async def lobby_identifications(info: Info) -> AsyncGenerator[LobbyIdentification, None]:
    """Each new identification in the own branch, as guidance, as it happens."""
    ctx = info.context
    if ctx.identify.live is None:
        raise Forbidden(_("live updates are off on this gateway"))
    async for row in ctx.identify.live.follow(ctx.staff.branch_id):
        yield LobbyIdentification.from_json(row)


async def counter_observations(
    info: Info, day: date | None = None, mine: bool = False
) -> list[LobbyIdentification] | None:
    """The tellers' list: the day's observations made at the counter in the own branch, as
    guidance (``mine``: only your own), newest first."""
    ctx = info.context
    rows = await ctx.identify.client.counter_observations(ctx.staff.token, ctx.staff.branch_id, day, mine)
    return [LobbyIdentification.from_json(r) for r in rows]


async def record_handling(
    info: Info, identification_id: strawberry.ID, outcome: HandlingOutcomeType
) -> LobbyIdentification:
    """What became of a guidance: referred to a wealth manager, guided, or the customer left."""
    ctx = info.context
    key = _uuid("identificationId", identification_id)
    data = await ctx.identify.client.record_handling(ctx.staff.token, key, HandlingOutcome(outcome).value)
    ctx.identify.lobby_lists.changed(ctx.staff.branch_id)
    return LobbyIdentification.from_json(data)


async def check_queue(info: Info, check: QueueCheckInput) -> QueueCheck:
    """Second diversion (二次分流): someone already queuing said what they came for; where to send
    them (the simple errands out of the queue)."""
    ctx = info.context
    return QueueCheck.from_json(await ctx.identify.client.check_queue(ctx.staff.token, check.to_json()))


async def queue_checks(info: Info, day: date | None = None) -> QueueChecks | None:
    """The day's second diversion in the own branch: who was asked and where they went."""
    ctx = info.context
    return QueueChecks.from_json(
        await ctx.identify.client.queue_checks(ctx.staff.token, ctx.staff.branch_id, day)
    )


async def record_prospect(info: Info, prospect: ProspectInput) -> ProspectRecorded:
    """A walk-in who is not our customer yet, with name and phone; the answer is the guidance."""
    ctx = info.context
    data = await ctx.identify.client.record_prospect(ctx.staff.token, prospect.to_json())
    ctx.identify.lobby_lists.changed(ctx.staff.branch_id)  # the lobby list shows prospects too
    return ProspectRecorded(
        prospect_id=strawberry.ID(data["prospect_id"]),
        identification_id=strawberry.ID(data["identification_id"]),
        guidance=Guidance.from_json(data["guidance"]),
        identified_at=datetime.fromisoformat(data["identified_at"]),
    )


async def link_prospect(info: Info, prospect_id: strawberry.ID, customer_id: str) -> ProspectLinked:
    """The prospect opened an account: their identifications follow the customer id."""
    ctx = info.context
    data = await ctx.identify.client.link_prospect(ctx.staff.token, _prospect_id(prospect_id), customer_id)
    ctx.identify.lobby_lists.changed(ctx.staff.branch_id)
    return ProspectLinked(prospect_id=strawberry.ID(data["prospect_id"]), customer_id=data["customer_id"])


async def prospects(info: Info, linked: bool | None = None) -> list[Prospect] | None:
    """The own branch's walk-in prospects, newest first (``linked: false``: still without an account)."""
    ctx = info.context
    rows = await ctx.identify.client.prospects(ctx.staff.token, ctx.staff.branch_id, linked)
    return [Prospect.from_json(r) for r in rows]

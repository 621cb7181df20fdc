"""Wiring: the runtime's service start-up with the referral repository, broker, the bank's rules,
the working calendar and the monthly summary job."""

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from sqlalchemy.exc import DBAPIError

from branchflow_contracts import REFERRAL_EVENTS
from branchflow_runtime.group_commit import GroupCommit
from branchflow_runtime.messaging.kafka import OutboxPublishers, build_service_broker
from branchflow_runtime.service import ServiceRuntime, create_service_app
from branchflow_runtime.workdays import WorkingCalendar
from referral import handlers
from referral.access import Forbidden
from referral.adapters.repository import SqlReferralRepository
from referral.config import ReferralSettings
from referral.domain.people import Prospect
from referral.domain.referral import Referral
from referral.domain.refusals import Invalid, NotFound, Refused
from referral.domain.rules import ReferralRules
from referral.entrypoints.api import router
from referral.entrypoints.consumers import register_consumers
from referral.labels import say
from referral.unit_of_work import EVENT_SOURCE

log = logging.getLogger("referral")
MIGRATIONS = Path(__file__).with_name("migrations")


def build_broker(settings, container=None) -> tuple[KafkaBroker, OutboxPublishers]:
    """The broker with every publisher and subscriber this service has (also used to generate
    the AsyncAPI document, with ``container=None``)."""
    return build_service_broker(settings, list(REFERRAL_EVENTS), register_consumers, container)


class Container(ServiceRuntime):
    migrations = MIGRATIONS
    event_source = EVENT_SOURCE
    settings: ReferralSettings

    def __init__(self, settings: ReferralSettings) -> None:
        super().__init__(settings)
        # the bank's files are checked before anything starts: a wrong one stops the service
        self.rules = ReferralRules.from_toml(settings.rules_path)
        self.calendar = WorkingCalendar.from_settings(settings)
        self.filings = GroupCommit(self._file_together, name="referral.file_referrals")

    async def file_referral(self, cmd: handlers.FileReferral) -> Referral:
        """Forms about a customer share transactions under load (group commit); a walk-in's goes
        alone, as its first filing writes the prospect, which a refusal must not leave behind."""
        if isinstance(cmd.person, Prospect):
            return await handlers.file_referral(cmd, self.unit_of_work())
        outcome = await self.filings.submit(cmd)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _file_together(self, cmds: list[handlers.FileReferral]) -> list[handlers.Filed | DBAPIError]:
        try:
            return await handlers.file_referrals(cmds, self.unit_of_work())
        except DBAPIError:
            if len(cmds) == 1:
                raise
        # what the database refused (a form id another replica took meanwhile…) fails only the
        # request it belongs to: each again, alone
        return [await self._file_alone(cmd) for cmd in cmds]

    async def _file_alone(self, cmd: handlers.FileReferral) -> handlers.Filed | DBAPIError:
        try:
            [outcome] = await handlers.file_referrals([cmd], self.unit_of_work())
        except DBAPIError as error:
            return error
        return outcome

    def build_broker(self) -> tuple[KafkaBroker, OutboxPublishers]:
        return build_broker(self.settings, self)

    def repository(self, connection) -> SqlReferralRepository:
        return SqlReferralRepository(connection)

    def background_loops(self):
        return [("monthly-summary", self._summarize_forever)] if self.settings.start_summary_job else []

    async def _summarize_forever(self) -> None:
        """Look now and then whether last month's summary is due; each branch's goes out once."""
        while True:
            try:
                sent = await handlers.issue_monthly_summaries(
                    self.unit_of_work, self.calendar, datetime.now(UTC)
                )
                if sent:
                    log.info("monthly referral summaries sent: %s", sent)
            except Exception:
                log.exception("monthly summary failed; next try in %ss", self.settings.summary_check_seconds)
            await asyncio.sleep(self.settings.summary_check_seconds)


def install_refusals(app: FastAPI) -> None:
    """The domain's refusals as HTTP, worded in the caller's language: 409 with a code, 422 naming
    the field, 403, 404."""

    async def refused(request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"code": str(exc.code), "detail": say(exc.template, exc.params)}, status_code=409)

    async def invalid(request: Request, exc: Invalid) -> JSONResponse:
        message = say(exc.template, exc.params)
        error = {"type": "value_error", "loc": ["body", *exc.field.split(".")], "msg": message}
        return JSONResponse({"detail": [error]}, status_code=422)

    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": say(exc.template, exc.params)}, status_code=403)

    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(Invalid, invalid)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(NotFound, not_found)


def create_app(settings: ReferralSettings | None = None) -> FastAPI:
    app = create_service_app(
        settings or ReferralSettings(),
        Container,
        title="Branchflow referral service",
        description="Referral (推介): referral forms, the close of business, the follow-up register "
        "and targeted marketing, with the counts staff are appraised on.",
        routers=[router],
    )
    install_refusals(app)
    return app

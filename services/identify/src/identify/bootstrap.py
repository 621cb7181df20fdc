"""Wiring: the runtime's service start-up with identify's repository, broker, rating rules,
observation group commit and rating sweep."""

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from branchflow_contracts import CustomerIdentified, CustomerRerated, ProspectLinked
from branchflow_runtime.group_commit import GroupCommit
from branchflow_runtime.messaging.kafka import OutboxPublishers, build_service_broker
from branchflow_runtime.service import ServiceRuntime, create_service_app
from identify import handlers
from identify.adapters.repository import SqlIdentifyRepository
from identify.adapters.rules_file import load_exchange_rates, load_rules
from identify.config import IdentifySettings
from identify.domain.refusals import Refused
from identify.entrypoints import lobby, prospects, refusals, reratings
from identify.entrypoints.api import router
from identify.entrypoints.consumers import register_consumers
from identify.unit_of_work import EVENT_SOURCE

log = logging.getLogger("identify")
MIGRATIONS = Path(__file__).with_name("migrations")
OUTGOING_EVENTS = [CustomerIdentified, CustomerRerated, ProspectLinked]


def build_broker(settings, container=None) -> tuple[KafkaBroker, OutboxPublishers]:
    """The broker with every publisher and subscriber this service has (also used to generate
    the AsyncAPI document, with ``container=None``)."""
    return build_service_broker(settings, OUTGOING_EVENTS, register_consumers, container)


class Container(ServiceRuntime):
    migrations = MIGRATIONS
    event_source = EVENT_SOURCE
    settings: IdentifySettings

    def __init__(self, settings: IdentifySettings) -> None:
        super().__init__(settings)
        self.rules = load_rules(settings.rating_rules_path)
        self.rates = load_exchange_rates(settings.exchange_rates_path)
        # observations share transactions under load
        self.observations = GroupCommit(
            lambda cmds: handlers.record_observations(cmds, self.unit_of_work(), self.rules),
            name="identify.record_observations",
        )

    def build_broker(self) -> tuple[KafkaBroker, OutboxPublishers]:
        return build_broker(self.settings, self)

    def repository(self, connection) -> SqlIdentifyRepository:
        return SqlIdentifyRepository(connection)

    def background_loops(self):
        return [("rating-sweep", self._sweep_forever)] if self.settings.start_sweeper else []

    async def _sweep_forever(self) -> None:
        settings = self.settings
        while True:
            await asyncio.sleep(settings.sweep_interval_seconds)
            try:
                await handlers.rerate_due_customers(
                    self.unit_of_work,
                    self.rules,
                    max_age=timedelta(hours=settings.sweep_max_age_hours),
                    batch_size=settings.sweep_batch_size,
                )
            except Exception:
                log.exception("rating sweep failed; next try in %ss", settings.sweep_interval_seconds)


def create_app(settings: IdentifySettings | None = None) -> FastAPI:
    app = create_service_app(
        settings or IdentifySettings(),
        Container,
        title="Branchflow identify service",
        description="Identification (识别) of premium customers: observations, facts, the "
        "comprehensive rating and the guidance the lobby is given; walk-in prospects; the lobby's "
        "and the counter's lists; second diversion.",
        routers=[router, lobby.router, prospects.router, reratings.router],
    )
    app.add_exception_handler(Refused, refusals.on_refused)
    return app

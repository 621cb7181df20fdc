"""The wealth manager's live push: ``customer.referred`` read by this gateway (``EventFeed``), and
each customer referred on the spot (status ``referred``) handed to the subscriptions of the
wealth manager the form names, in the form's branch — nobody else's.

The event carries who referred, whom (a customer id, or a walk-in's prospect id) and when; no
name. The pushed row carries the same, and the subscription's ``referral`` field asks the
referral service for the form with the wealth manager's own token, so a prospect's name is shown
as the service's rules show it to that manager (the form names them: in clear)."""

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

from pydantic import ValidationError

from branchflow_contracts import CustomerReferred, ReferralStatus, Topic
from branchflow_gateway.events import EventFeed
from branchflow_runtime.privacy import local_time

log = logging.getLogger(__name__)
QUEUE_SIZE = 100  # per subscription; a subscriber that falls behind loses the oldest rows


class LiveReferrals(EventFeed):
    topic = str(Topic.CUSTOMER_REFERRED)

    def __init__(self, bootstrap_servers: str, **new_topic) -> None:
        super().__init__(bootstrap_servers, **new_topic)
        # (branch, wealth manager) → the queues of that manager's subscriptions
        self._followers: dict[tuple[str, str], set[asyncio.Queue]] = defaultdict(set)

    async def follow(self, branch_id: str, wealth_manager_id: str) -> AsyncIterator[dict]:
        """Customers referred on the spot to this wealth manager of this branch, as they come."""
        key = (branch_id, wealth_manager_id)
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        self._followers[key].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._followers[key].discard(queue)
            if not self._followers[key]:
                del self._followers[key]

    def deliver(self, event: CustomerReferred) -> None:
        """A pending form is a contact for later, not a customer waiting: only ``referred`` is pushed."""
        if event.status != ReferralStatus.REFERRED or not event.wealth_manager_id:
            return
        row = {
            "referral_id": event.referral_id,
            "customer_id": event.customer_id,
            "referred_by": event.referred_by,
            "referrer_role": event.referrer_role,
            "referred_at": event.referred_at,
            "referred_at_local": local_time(event.referred_at),
        }
        for queue in list(self._followers.get((event.branch_id, event.wealth_manager_id), ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(row)

    def handle(self, value: bytes) -> None:
        try:
            self.deliver(CustomerReferred.model_validate(json.loads(value)))
        except (ValueError, ValidationError) as exc:
            log.warning("live referrals: unreadable event skipped: %s", exc)

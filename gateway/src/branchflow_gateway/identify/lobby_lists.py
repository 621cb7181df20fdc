"""Today's lobby list per branch, kept in the gateway from one identification to the next.

Lobby screens ask for the same list again and again, and it changes only when someone in that
branch is identified. Each identification reaches this gateway as a ``customer.identified``
event (``LiveIdentifications``), and one recorded through this gateway drops its branch's list
at once. The first ask after a change goes to the identify service with the caller's token, so
the service still decides what that caller may read; the rows are kept per branch and role
(the service shapes them by role) for today only.

Nothing is kept while the event feed is not following (live updates off, or reconnecting), a
list learned before the feed's last reconnect is not used, and no list is used for longer than
``ttl_seconds``: a stalled relay or feed cannot keep a lobby screen stale for long."""

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from branchflow_gateway.identify.client import IdentifyClient
from branchflow_gateway.identify.live import LiveIdentifications
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.privacy import BRANCH_ZONE


@dataclass(frozen=True)
class _Kept:
    day: date
    rows: list[dict]
    epoch: int  # the feed's epoch when the rows were asked for
    expires_at: float


class LobbyLists:
    def __init__(
        self,
        identify: IdentifyClient,
        live: LiveIdentifications | None,
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = lambda: datetime.now(BRANCH_ZONE).date(),
    ) -> None:
        self._identify = identify
        self._live = live
        self._ttl = ttl_seconds
        self._clock = clock
        self._today = today
        self._kept: dict[str, dict[Role, _Kept]] = defaultdict(dict)  # branch → role → rows
        # bumped by every change of a branch: rows asked for before a change are not kept
        self._changes: dict[str, int] = defaultdict(int)
        if live is not None and ttl_seconds > 0:
            live.listeners.append(self.changed)

    async def rows(self, staff: Staff, day: date | None) -> list[dict]:
        """The branch's identifications of ``day`` (today when None), newest first."""
        today = self._today()
        if not self._following() or day not in (None, today):
            return await self._identify.lobby_list(staff.token, staff.branch_id, day)
        kept = self._kept[staff.branch_id].get(staff.role)
        if kept and kept.day == today and kept.epoch == self._live.epoch and kept.expires_at > self._clock():
            return kept.rows
        changes, epoch = self._changes[staff.branch_id], self._live.epoch
        rows = await self._identify.lobby_list(staff.token, staff.branch_id, today)
        if self._changes[staff.branch_id] == changes and self._following():
            self._kept[staff.branch_id][staff.role] = _Kept(today, rows, epoch, self._clock() + self._ttl)
        return rows

    def changed(self, branch_id: str) -> None:
        """Someone in the branch was identified: its kept lists are out of date."""
        self._changes[branch_id] += 1
        self._kept.pop(branch_id, None)

    def _following(self) -> bool:
        return self._ttl > 0 and self._live is not None and self._live.ready.is_set()

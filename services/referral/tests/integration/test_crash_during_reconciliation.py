"""The referral service killed with SIGKILL in the middle of a reconciliation loses nothing and
counts nothing twice after restart. It runs as an OS process (``python -m referral``) on a real
port; the wealth managers' client retries what got no answer, as a front end would."""

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from branchflow_contracts import Topic
from branchflow_runtime.auth import Role
from branchflow_runtime.database import create_engine
from branchflow_runtime.embedded import free_port
from branchflow_runtime.testing import read_events

from .conftest import token

pytestmark = pytest.mark.connected

BRANCH = "BRKILL"
FORMS = 40
TELLERS = ["t-k1", "t-k2", "t-k3", "t-k4"]


class ServiceProcess:
    def __init__(self, env: dict, log_path) -> None:
        self.env, self.log_path, self.process = env, log_path, None
        self.log = log_path.open("ab")  # both runs write here

    async def start(self, base_url: str) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "referral", env=self.env, stdout=self.log, stderr=self.log
        )
        async with httpx.AsyncClient(base_url=base_url, timeout=2) as http, asyncio.timeout(60):
            while True:
                assert self.process.returncode is None, self.log_path.read_text()[-3000:]
                try:
                    if (await http.get("/health/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()
        self.log.close()


UNANSWERED: list[str] = []  # requests that got no answer and were asked again


async def retrying(http: httpx.AsyncClient, path: str, **kwargs) -> httpx.Response:
    """A front end that got no answer asks again until it gets one."""
    while True:
        try:
            response = await http.post(path, **kwargs)
        except httpx.TransportError:
            UNANSWERED.append(path)
            await asyncio.sleep(0.2)
            continue
        if response.status_code < 500:
            return response
        await asyncio.sleep(0.2)


async def test_sigkill_in_the_middle_of_a_reconciliation(kafka_broker, database_factory, tmp_path):
    database_url = await database_factory("referral_kill")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "REFERRAL_DATABASE_URL": database_url,
        "REFERRAL_KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap_servers,
        "REFERRAL_HTTP_PORT": str(port),
        "REFERRAL_START_CONSUMERS": "false",
        "REFERRAL_START_SUMMARY_JOB": "false",
        "REFERRAL_RELAY_IDLE_POLL_SECONDS": "0.2",
    }
    service = ServiceProcess(env, tmp_path / "referral.log")
    await service.start(base_url)
    wm = {"Authorization": f"Bearer {token(Role.WEALTH_MANAGER, 'wm-kill', BRANCH)}"}
    lobby = {"Authorization": f"Bearer {token(Role.LOBBY_MANAGER, 'lm-kill', BRANCH)}"}
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            forms = []
            for n in range(FORMS):
                teller = TELLERS[n % len(TELLERS)]
                pending = n % 3 == 0
                body = {
                    "customer_id": f"KILL{n:03d}",
                    "status": "pending" if pending else "referred",
                    "wealth_manager_id": "wm-kill",
                }
                if pending:
                    body["contact"] = {
                        "at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
                        "way": "phone",
                    }
                headers = {"Authorization": f"Bearer {token(Role.TELLER, teller, BRANCH)}"}
                filed = await http.post("/referrals", json=body, headers=headers)
                assert filed.status_code == 201, filed.text
                forms.append(filed.json())
            day = forms[0]["business_day"]

            # the reconciliation: four wealth-manager sessions confirm and copy side by side
            queue: asyncio.Queue = asyncio.Queue()
            for n, form in enumerate(forms):
                queue.put_nowait((n, form))
            done: list[str] = []
            a_third_done = asyncio.Event()

            async def reconcile() -> None:
                while not queue.empty():
                    n, form = queue.get_nowait()
                    if form["status"] == "pending":
                        response = await retrying(
                            http, f"/referrals/{form['referral_id']}/register-copy", headers=wm
                        )
                    else:
                        result = "sold" if n % 2 else "follow_up"
                        response = await retrying(
                            http,
                            f"/referrals/{form['referral_id']}/confirmation",
                            json={"met": True, "result": result},
                            headers=wm,
                        )
                    assert response.status_code == 200, response.text
                    done.append(form["referral_id"])
                    if len(done) >= FORMS // 3:
                        a_third_done.set()

            workers = [asyncio.create_task(reconcile()) for _ in range(4)]
            await a_third_done.wait()
            service.kill()  # mid-flight: requests in progress, events in the outbox
            await service.process.wait()
            await service.start(base_url)
            await asyncio.gather(*workers)
            assert UNANSWERED, "the kill interrupted the reconciliation"

            closed = await retrying(http, f"/branches/{BRANCH}/days/{day}/close", headers=lobby)
            assert closed.status_code == 200, closed.text
            counts = {c["staff_id"]: c for c in closed.json()["counts"]}
    finally:
        await service.stop()

    # the counts: every form once
    assert {s: c["filed"] for s, c in counts.items()} == dict(Counter(TELLERS[n % 4] for n in range(FORMS)))
    referred = [f for f in forms if f["status"] == "referred"]
    assert sum(c["met"] for c in counts.values()) == len(referred)
    assert sum(c["sold"] for c in counts.values()) == sum(
        1 for n, f in enumerate(forms) if f in referred and n % 2
    )

    # the state: every form closed once, one register entry per follow-up, one event of each
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            statuses = Counter((await conn.execute(sa.text("SELECT status FROM referrals"))).scalars())
            entries = await conn.scalar(sa.text("SELECT count(*) FROM follow_ups"))
            outbox = dict(
                (
                    await conn.execute(sa.text("SELECT topic, count(*) FROM outbox_events GROUP BY topic"))
                ).all()
            )
            unpublished = await conn.scalar(
                sa.text("SELECT count(*) FROM outbox_events WHERE published_at IS NULL")
            )
    finally:
        await engine.dispose()
    follow_ups = sum(
        1 for n, f in enumerate(forms) if f["status"] == "pending" or (f in referred and not n % 2)
    )
    assert statuses == {"confirmed": len(referred), "copied": FORMS - len(referred)}
    assert entries == follow_ups
    assert outbox == {
        Topic.CUSTOMER_REFERRED: FORMS,
        Topic.REFERRAL_CONFIRMED: len(referred),
        Topic.FOLLOW_UP_OPENED: follow_ups,
        Topic.REFERRAL_DAY_CLOSED: 1,
    }
    assert unpublished == 0  # the restarted relay published what the killed one had not

    # on Kafka: each confirmation once by event id (a relay killed after sending re-sends; consumers
    # drop the copy by its id), every form's confirmation there
    expected = sorted(f["referral_id"] for f in referred)
    count = len(expected)
    while True:  # re-sent copies come on top of the one of each
        records = await read_events(
            kafka_broker.bootstrap_servers,
            Topic.REFERRAL_CONFIRMED,
            count,
            match=lambda r: json.loads(r.value)["branch_id"] == BRANCH,
        )
        ids_of = {}
        for record in records:
            ids_of.setdefault(json.loads(record.value)["referral_id"], set()).add(
                dict(record.headers)["ce_id"]
            )
        if len(ids_of) == len(expected):
            break
        count += 1
    assert sorted(ids_of) == expected
    assert all(len(ids) == 1 for ids in ids_of.values())

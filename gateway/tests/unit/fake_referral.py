"""A fake referral service (httpx MockTransport): answers like the service's REST API with canned
records, refuses as it does (403, 404, 409 with a code), and records what it was asked."""

import json
import re

import httpx
import jwt

BRANCH = "BR001"
FORM_ID = "5f0c0000-0000-4000-8000-000000000001"
OTHER_FORM_ID = "5f0c0000-0000-4000-8000-000000000002"
FORBIDDEN_FORM_ID = "5f0c0000-0000-4000-8000-00000000f0bd"  # another branch's: 403
ENTRY_ID = "e0e00000-0000-4000-8000-000000000001"
SUGGESTION_ID = "50660000-0000-4000-8000-000000000001"
ACTIVITY_ID = "ac700000-0000-4000-8000-000000000001"
PERSON_ID = "9e700000-0000-4000-8000-000000000001"
FOLLOWED_UP = "C-FOLLOWED"  # a customer a wealth manager judged not premium lately: 409

PROSPECT = {
    "customer_id": None,
    "prospect_id": "P0123456789ab",
    "name": "周先生",
    "phone": "139 1111 2222",
    "personal_data_masked": False,
}
FORM = {
    "referral_id": FORM_ID,
    "branch_id": BRANCH,
    "business_day": "2026-11-24",
    "person": {
        "customer_id": "C000042",
        "prospect_id": None,
        "name": None,
        "phone": None,
        "personal_data_masked": False,
    },
    "referred_by": "lobby_manager-1",
    "referrer_role": "lobby_manager",
    "source": "lobby",
    "filed_as": "referred",
    "status": "referred",
    "wealth_manager_id": "wealth_manager-1",
    "referred_at": "2026-11-24T01:30:00Z",
    "referred_at_local": "2026-11-24T09:30:00+08:00",
    "identification_id": None,
    "suggestion_id": None,
    "activity_id": None,
    "contact_at": None,
    "contact_way": None,
    "note": None,
    "met": None,
    "result": None,
    "closed_by": None,
    "closed_at": None,
    "entry_id": None,
    "withdrawal_reason": None,
}
PENDING_FORM = {
    **FORM,
    "referral_id": OTHER_FORM_ID,
    "person": {**PROSPECT, "name": "周**", "phone": "139****2222", "personal_data_masked": True},
    "referred_by": "teller-1",
    "referrer_role": "teller",
    "source": "counter",
    "filed_as": "pending",
    "status": "pending",
    "referred_at": "2026-11-24T02:00:00Z",
    "referred_at_local": "2026-11-24T10:00:00+08:00",
    "contact_at": "2026-11-25T02:00:00Z",
    "contact_way": "phone",
}
SUGGESTION = {
    "suggestion_id": SUGGESTION_ID,
    "branch_id": BRANCH,
    "business_day": "2026-11-24",
    "customer_id": "C000043",
    "identification_id": "0b0e7f0e-0000-4000-8000-000000000009",
    "identified_at": "2026-11-24T01:00:00Z",
    "identified_at_local": "2026-11-24T09:00:00+08:00",
    "status": "filed",
    "referral_id": FORM_ID,
    "acted_by": "lobby_manager-1",
    "acted_at": "2026-11-24T01:30:00Z",
    "dismissal_reason": None,
}
COUNT = {
    "staff_id": "teller-1",
    "role": "teller",
    "filed": 3,
    "referred": 2,
    "pending": 1,
    "met": 2,
    "sold": 1,
}
DAY = {
    "branch_id": BRANCH,
    "day": "2026-11-24",
    "status": "open",
    "closed_by": None,
    "closed_at": None,
    "awaiting_confirmation": [FORM],
    "awaiting_copy": [PENDING_FORM],
    "done": [],
    "withdrawn": [],
    "suggestions_not_acted_on": [{**SUGGESTION, "status": "open", "referral_id": None, "acted_by": None}],
    "counts": [COUNT],
    "earlier_days_left_open": [
        {"day": "2026-11-21", "closed": False, "awaiting_confirmation": [FORM_ID], "awaiting_copy": []}
    ],
}
ATTEMPT = {
    "attempt_id": "a7700000-0000-4000-8000-000000000001",
    "way": "phone",
    "result": "no_answer",
    "attempted_at": "2026-11-25T02:00:00Z",
    "attempted_at_local": "2026-11-25T10:00:00+08:00",
    "recorded_by": "wealth_manager-1",
    "note": None,
    "next_step": "call again Friday",
    "planned_contact_id": None,
}
PLANNED = {
    "contact_id": "c0c00000-0000-4000-8000-000000000001",
    "entry_id": ENTRY_ID,
    "day": "2026-11-27",
    "at_time": "10:00:00",
    "way": "phone",
    "purpose": "second call",
    "done_by_attempt_id": None,
}
APPOINTMENT = {
    "appointment_id": "a9900000-0000-4000-8000-000000000001",
    "entry_id": ENTRY_ID,
    "meets_at": "2026-11-28T06:00:00Z",
    "meets_at_local": "2026-11-28T14:00:00+08:00",
    "place": "VIP room",
    "note": None,
}
ENTRY = {
    "entry_id": ENTRY_ID,
    "referral_id": OTHER_FORM_ID,
    "branch_id": BRANCH,
    "person": {**PROSPECT},
    "wealth_manager_id": "wealth_manager-1",
    "source": "counter",
    "opened_at": "2026-11-24T09:00:00Z",
    "status": "open",
    "abandon_proposed": False,
    "failures_in_a_row": 1,
    "analysis": {"means": "owns two shops"},
    "closed_by": None,
    "closed_at": None,
    "attempts": [ATTEMPT],
    "planned_contacts": [PLANNED],
    "appointments": [APPOINTMENT],
}
STATE = {"entry_id": ENTRY_ID, "status": "open", "failures_in_a_row": 1, "abandon_proposed": False}
ACTIVITY = {
    "activity_id": ACTIVITY_ID,
    "kind": "seminar",
    "branch_id": BRANCH,
    "organised_by": "marketing_manager-1",
    "organiser_role": "marketing_manager",
    "day": "2026-11-20",
    "created_at": "2026-11-20T08:00:00Z",
    "topic": "养老规划",
    "place": "网点二楼",
    "introducer_customer_id": None,
    "thanked_by": None,
    "thanked_at": None,
    "reward_due": False,
    "participants": [
        {
            "person_id": PERSON_ID,
            "person": {**PROSPECT, "name": "周**", "phone": "139****2222", "personal_data_masked": True},
            "role": "attendee",
            "brought_by": None,
            "referral_id": FORM_ID,
            "handed_to": "wealth_manager-1",
        }
    ],
}
READ = {
    "entry_id": ENTRY_ID,
    "read_by": "wealth_manager-1",
    "reader_role": "wealth_manager",
    "reader_branch": BRANCH,
    "read_at": "2026-11-24T03:00:00Z",
    "read_at_local": "2026-11-24T11:00:00+08:00",
    "via": "entry",
}


def caller(request: httpx.Request) -> dict:
    token = request.headers["authorization"].removeprefix("Bearer ")
    return jwt.decode(token, options={"verify_signature": False})


def _json(request: httpx.Request) -> dict:
    return json.loads(request.content) if request.content else {}


def _refused(code: str, detail: str) -> httpx.Response:
    return httpx.Response(409, json={"code": code, "detail": detail})


class FakeReferral:
    """Answers like the referral service; records what it was asked. ``verdicts_unmasked``
    imitates a service that forgot to hide a not-premium result from the lobby."""

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []
        self.down = False
        self.verdicts_unmasked = False

    def paths(self) -> list[str]:
        return [f"{c.method} {c.url.path}" for c in self.calls]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        who = caller(request)
        for pattern, method, answer in self._routes():
            match = re.fullmatch(pattern, request.url.path)
            if match and request.method == method:
                return answer(request, who, *match.groups())
        return httpx.Response(404, json={"detail": f"no route {request.method} {request.url.path}"})

    def _routes(self):
        return [
            (r"/referrals", "POST", self._file),
            (r"/referrals", "GET", self._batch_forms),
            (r"/referrals/([^/]+)", "GET", self._form),
            (r"/referrals/([^/]+)/confirmation", "POST", self._confirm),
            (r"/referrals/([^/]+)/register-copy", "POST", self._copy),
            (r"/referrals/([^/]+)/withdrawal", "POST", self._withdraw),
            (r"/me/referrals", "GET", lambda r, who: httpx.Response(200, json=[self._as_filed_by(who)])),
            (
                r"/me/referrals-to-confirm",
                "GET",
                lambda r, who: httpx.Response(200, json=[FORM, PENDING_FORM]),
            ),
            (r"/branches/([^/]+)/suggestions", "GET", self._branch(lambda: [SUGGESTION])),
            (r"/suggestions/([^/]+)/referral", "POST", lambda r, who, s: httpx.Response(201, json=FORM)),
            (r"/suggestions/([^/]+)/dismissal", "POST", self._dismiss),
            (r"/branches/([^/]+)/days/([^/]+)", "GET", self._day),
            (r"/branches/([^/]+)/days/([^/]+)/close", "POST", self._close),
            (r"/branches/([^/]+)/days/([^/]+)/reopen", "POST", self._day),
            (r"/branches/([^/]+)/referral-counts", "GET", self._branch(self._counts)),
            (r"/referral-counts", "GET", lambda r, who: httpx.Response(200, json=[self._counts(r, "BR001")])),
            (r"/branches/([^/]+)/monthly-summaries/([^/]+)", "GET", self._summary),
            (r"/follow-ups", "GET", self._batch_entries),
            (r"/follow-ups/([^/]+)", "GET", self._entry),
            (r"/wealth-managers/([^/]+)/follow-ups", "GET", self._register),
            (r"/wealth-managers/([^/]+)/diary", "GET", self._diary),
            (r"/follow-ups/([^/]+)/analysis", "PUT", lambda r, who, e: httpx.Response(200, json=STATE)),
            (r"/follow-ups/([^/]+)/planned-contacts", "POST", self._plan),
            (r"/follow-ups/([^/]+)/attempts", "POST", self._attempt),
            (
                r"/follow-ups/([^/]+)/appointments",
                "POST",
                lambda r, who, e: httpx.Response(201, json=APPOINTMENT),
            ),
            (r"/follow-ups/([^/]+)/abandon-decision", "POST", self._abandon),
            (r"/follow-ups/([^/]+)/verdict", "POST", self._verdict),
            (r"/branches/([^/]+)/register-access-log", "GET", self._branch(lambda: [READ])),
            (r"/(introductions|field-visits|seminars)", "POST", self._record_activity),
            (r"/marketing-activities/([^/]+)", "GET", lambda r, who, a: httpx.Response(200, json=ACTIVITY)),
            (r"/branches/([^/]+)/marketing-activities", "GET", self._branch(lambda: [ACTIVITY])),
            (r"/marketing-activities/([^/]+)/participants/([^/]+)/handover", "POST", self._hand_over),
            (r"/marketing-activities/([^/]+)/introducer-thanks", "POST", self._thank),
        ]

    # forms

    def _file(self, request, who) -> httpx.Response:
        body = _json(request)
        if body.get("customer_id") == FOLLOWED_UP:
            return _refused(
                "followed_up_recently",
                "A wealth manager already followed this customer up on 2026-10-01; "
                "no new referral before 2027-03-30.",
            )
        if ("customer_id" in body) == ("prospect" in body):  # as the service's PersonIn
            return httpx.Response(
                422,
                json={"detail": [{"loc": ["body"], "msg": "give either customer_id or prospect, not both"}]},
            )
        if body.get("customer_id") == "C-BAD":
            return httpx.Response(
                422,
                json={"detail": [{"loc": ["body", "contact"], "msg": "a pending referral needs a contact"}]},
            )
        person = (
            {**PROSPECT, **body["prospect"], "personal_data_masked": False}
            if "prospect" in body
            else {**FORM["person"], "customer_id": body["customer_id"]}
        )
        filed = {
            **self._as_filed_by(who),
            "referral_id": body.get("referral_id", FORM_ID),
            "person": person,
            "status": body["status"],
            "filed_as": body["status"],
            "wealth_manager_id": body["wealth_manager_id"],
            "source": body.get("source", "lobby"),
            "note": body.get("note"),
        }
        return httpx.Response(201, json=filed)

    @staticmethod
    def _as_filed_by(who: dict) -> dict:
        return {**FORM, "referred_by": who["sub"], "referrer_role": who["role"]}

    def _known_form(self, referral_id: str) -> dict | None:
        return {FORM_ID: FORM, OTHER_FORM_ID: PENDING_FORM}.get(referral_id)

    def _form(self, request, who, referral_id) -> httpx.Response:
        if referral_id == FORBIDDEN_FORM_ID:
            return httpx.Response(403, json={"detail": "no referral that you may see"})
        form = self._known_form(referral_id)
        if form is None:
            return httpx.Response(404, json={"detail": f"no referral {referral_id}"})
        return httpx.Response(200, json=form)

    def _batch_forms(self, request, who) -> httpx.Response:
        ids = request.url.params.get_list("ids")
        return httpx.Response(200, json=[self._known_form(i) for i in ids if self._known_form(i)])

    def _confirm(self, request, who, referral_id) -> httpx.Response:
        body = _json(request)
        if referral_id == OTHER_FORM_ID:
            return _refused(
                "pending_is_copied",
                "A pending referral did not meet a wealth manager: copy it into the follow-up register "
                "instead of confirming a meeting.",
            )
        result = body["result"]
        if (
            result == "not_premium"
            and who["role"] in ("lobby_manager", "teller")
            and not self.verdicts_unmasked
        ):
            result = "closed"
        return httpx.Response(
            200,
            json={
                **FORM,
                "status": "confirmed",
                "met": body["met"],
                "result": result,
                "closed_by": who["sub"],
                "closed_at": "2026-11-24T09:00:00Z",
            },
        )

    def _copy(self, request, who, referral_id) -> httpx.Response:
        return httpx.Response(200, json={**PENDING_FORM, "status": "copied", "entry_id": ENTRY_ID})

    def _withdraw(self, request, who, referral_id) -> httpx.Response:
        reason = _json(request)["reason"]
        return httpx.Response(200, json={**FORM, "status": "withdrawn", "withdrawal_reason": reason})

    # the lobby's day

    @staticmethod
    def _branch(rows):
        """A branch's list: the caller's own branch, or any for head office."""

        def answer(request, who, branch_id, *rest):
            if branch_id != who["branch"] and who["role"] != "head_office":
                return httpx.Response(403, json={"detail": f"branch {branch_id} is not yours"})
            result = rows() if rows.__code__.co_argcount == 0 else rows(request, branch_id)
            return httpx.Response(200, json=result)

        return answer

    def _dismiss(self, request, who, suggestion_id) -> httpx.Response:
        reason = _json(request)["reason"]
        return httpx.Response(
            200, json={**SUGGESTION, "status": "dismissed", "referral_id": None, "dismissal_reason": reason}
        )

    def _day(self, request, who, branch_id, day) -> httpx.Response:
        if branch_id != who["branch"] and who["role"] != "head_office":
            return httpx.Response(
                403, json={"detail": "a branch's day is read by its lobby manager and heads"}
            )
        return httpx.Response(200, json=self._with_results(who, {**DAY, "day": day}))

    def _with_results(self, who: dict, day: dict) -> dict:
        """A day whose done form was judged not premium, shown as the service shows it."""
        sees = who["role"] not in ("lobby_manager", "teller") or self.verdicts_unmasked
        done = {**FORM, "status": "confirmed", "met": True, "result": "not_premium" if sees else "closed"}
        return {**day, "done": [done]}

    def _close(self, request, who, branch_id, day) -> httpx.Response:
        if day == "2026-11-21":
            return _refused(
                "day_has_open_forms",
                f"The day cannot be closed: 1 form(s) still await the wealth manager ({FORM_ID}).",
            )
        closed = {
            **DAY,
            "day": day,
            "status": "closed",
            "closed_by": who["sub"],
            "closed_at": "2026-11-24T10:00:00Z",
        }
        return httpx.Response(200, json=self._with_results(who, closed))

    # counts

    @staticmethod
    def _counts(request, branch_id) -> dict:
        params = request.url.params
        return {
            "branch_id": branch_id,
            "period": params.get("period", "day"),
            "first_day": "2026-11-23",
            "last_day": "2026-11-29",
            "counts": [COUNT],
        }

    def _summary(self, request, who, branch_id, month) -> httpx.Response:
        if month != "2026-10":
            return httpx.Response(
                404, json={"detail": f"the summary of {month} for {branch_id} was not sent"}
            )
        return httpx.Response(
            200,
            json={
                "branch_id": branch_id,
                "month": month,
                "counts": [COUNT],
                "issued_at": "2026-11-02T01:00:00Z",
            },
        )

    # the register

    def _entry(self, request, who, entry_id) -> httpx.Response:
        if who["role"] in ("teller", "lobby_manager", "marketing_manager"):
            return httpx.Response(403, json={"detail": "the follow-up register is confidential"})
        if entry_id != ENTRY_ID:
            return httpx.Response(404, json={"detail": f"no follow-up entry {entry_id}"})
        return httpx.Response(200, json=ENTRY)

    def _batch_entries(self, request, who) -> httpx.Response:
        ids = request.url.params.get_list("ids")
        return httpx.Response(200, json=[ENTRY for i in ids if i == ENTRY_ID])

    def _register(self, request, who, wealth_manager_id) -> httpx.Response:
        if who["role"] == "wealth_manager" and wealth_manager_id != who["sub"]:
            return httpx.Response(403, json={"detail": "a wealth manager's register is read by the manager"})
        closed = request.url.params.get("closed") == "true"
        return httpx.Response(200, json=[{**ENTRY, "status": "not_premium"}] if closed else [ENTRY])

    def _diary(self, request, who, wealth_manager_id) -> httpx.Response:
        day = request.url.params.get("day", "2026-11-27")
        return httpx.Response(
            200,
            json={
                "wealth_manager_id": wealth_manager_id,
                "day": day,
                "planned_contacts": [{**PLANNED, "person": PROSPECT}],
                "appointments": [{**APPOINTMENT, "person": PROSPECT}],
            },
        )

    def _plan(self, request, who, entry_id) -> httpx.Response:
        body = _json(request)
        return httpx.Response(201, json={**PLANNED, **body, "at_time": body.get("at_time")})

    def _attempt(self, request, who, entry_id) -> httpx.Response:
        body = _json(request)
        failures = 3 if body["result"] in ("no_answer", "unreachable", "declined") else 0
        return httpx.Response(
            201,
            json={
                "entry_id": entry_id,
                "status": "abandon_proposed" if failures else "open",
                "failures_in_a_row": failures,
                "abandon_proposed": bool(failures),
                "attempt": {**ATTEMPT, "way": body["way"], "result": body["result"]},
                "next_contact": PLANNED if "next_contact" in body else None,
                "appointment": APPOINTMENT if "meeting" in body else None,
            },
        )

    def _abandon(self, request, who, entry_id) -> httpx.Response:
        if not _json(request)["abandon"]:
            return httpx.Response(200, json=STATE)
        return _refused("abandon_not_proposed", "The register has not proposed to abandon this customer.")

    def _verdict(self, request, who, entry_id) -> httpx.Response:
        verdict = _json(request)["verdict"]
        status = "converted" if verdict == "premium" else "not_premium"
        return httpx.Response(200, json={**STATE, "status": status})

    # targeted marketing

    def _record_activity(self, request, who, kind_path) -> httpx.Response:
        body = _json(request)
        kind = {"introductions": "introduction", "field-visits": "field_visit"}.get(
            kind_path, body.get("kind")
        )
        return httpx.Response(
            201,
            json={
                **ACTIVITY,
                "kind": kind,
                "organised_by": who["sub"],
                "organiser_role": who["role"],
                "day": body["day"],
                "topic": body.get("topic"),
                "place": body.get("place"),
                "introducer_customer_id": body.get("introducer_customer_id"),
            },
        )

    def _hand_over(self, request, who, activity_id, person_id) -> httpx.Response:
        body = _json(request)
        return httpx.Response(
            201,
            json={
                **PENDING_FORM,
                "referred_by": who["sub"],
                "referrer_role": who["role"],
                "source": "seminar",
                "activity_id": activity_id,
                "wealth_manager_id": body["wealth_manager_id"],
                "contact_at": body["contact"]["at"],
                "contact_way": body["contact"]["way"],
            },
        )

    def _thank(self, request, who, activity_id) -> httpx.Response:
        reward = _json(request).get("reward_due", False)
        return httpx.Response(
            200,
            json={
                **ACTIVITY,
                "thanked_by": who["sub"],
                "thanked_at": "2026-11-24T08:00:00Z",
                "reward_due": reward,
            },
        )

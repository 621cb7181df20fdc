"""The referral service's REST API, one method per call the gateway makes. Bodies go as the
service reads them (snake_case codes); answers come back as its JSON."""

from datetime import date

from branchflow_gateway.upstream import UpstreamClient, segment


class ReferralClient(UpstreamClient):
    service = "referral"

    # forms

    async def file_referral(self, token: str, body: dict) -> dict:
        return await self._call("POST", "/referrals", token, json=body)

    async def referral(self, token: str, referral_id: str) -> dict:
        return await self._call("GET", f"/referrals/{segment(referral_id)}", token)

    async def referrals(self, token: str, ids: list[str]) -> list[dict]:
        """Those of ``ids`` that exist and the caller may read."""
        return await self._call("GET", "/referrals", token, params={"ids": ids})

    async def confirm_referral(self, token: str, referral_id: str, met: bool, result: str) -> dict:
        path = f"/referrals/{segment(referral_id)}/confirmation"
        return await self._call("POST", path, token, json={"met": met, "result": result})

    async def copy_to_register(self, token: str, referral_id: str) -> dict:
        return await self._call("POST", f"/referrals/{segment(referral_id)}/register-copy", token)

    async def withdraw_referral(self, token: str, referral_id: str, reason: str) -> dict:
        path = f"/referrals/{segment(referral_id)}/withdrawal"
        return await self._call("POST", path, token, json={"reason": reason})

    async def my_referrals(self, token: str, day: date | None) -> list[dict]:
        return await self._call("GET", "/me/referrals", token, params=_day(day))

    async def referrals_to_confirm(self, token: str) -> list[dict]:
        return await self._call("GET", "/me/referrals-to-confirm", token)

    # suggestions and the close of business

    async def suggestions(self, token: str, branch_id: str, day: date | None) -> list[dict]:
        return await self._call("GET", f"/branches/{segment(branch_id)}/suggestions", token, params=_day(day))

    async def file_suggestion(self, token: str, suggestion_id: str, body: dict) -> dict:
        return await self._call("POST", f"/suggestions/{segment(suggestion_id)}/referral", token, json=body)

    async def dismiss_suggestion(self, token: str, suggestion_id: str, reason: str) -> dict:
        path = f"/suggestions/{segment(suggestion_id)}/dismissal"
        return await self._call("POST", path, token, json={"reason": reason})

    async def day(self, token: str, branch_id: str, day: date) -> dict:
        return await self._call("GET", _day_path(branch_id, day), token)

    async def close_day(self, token: str, branch_id: str, day: date) -> dict:
        return await self._call("POST", f"{_day_path(branch_id, day)}/close", token)

    async def reopen_day(self, token: str, branch_id: str, day: date) -> dict:
        return await self._call("POST", f"{_day_path(branch_id, day)}/reopen", token)

    # counts

    async def counts(self, token: str, branch_id: str, period: str, day: date | None) -> dict:
        params = {"period": period} | _day(day)
        return await self._call(
            "GET", f"/branches/{segment(branch_id)}/referral-counts", token, params=params
        )

    async def counts_all_branches(self, token: str, period: str, day: date | None) -> list[dict]:
        return await self._call("GET", "/referral-counts", token, params={"period": period} | _day(day))

    async def monthly_summary(self, token: str, branch_id: str, month: str) -> dict:
        path = f"/branches/{segment(branch_id)}/monthly-summaries/{segment(month)}"
        return await self._call("GET", path, token)

    # the follow-up register: every read is recorded by the service

    async def follow_up(self, token: str, entry_id: str) -> dict:
        return await self._call("GET", f"/follow-ups/{segment(entry_id)}", token)

    async def follow_ups(self, token: str, ids: list[str]) -> list[dict]:
        """Those of ``ids`` that exist and the caller may read (each one's read recorded)."""
        return await self._call("GET", "/follow-ups", token, params={"ids": ids})

    async def register(self, token: str, wealth_manager_id: str, closed: bool) -> list[dict]:
        path = f"/wealth-managers/{segment(wealth_manager_id)}/follow-ups"
        return await self._call("GET", path, token, params={"closed": str(closed).lower()})

    async def diary(self, token: str, wealth_manager_id: str, day: date | None) -> dict:
        path = f"/wealth-managers/{segment(wealth_manager_id)}/diary"
        return await self._call("GET", path, token, params=_day(day))

    async def update_analysis(self, token: str, entry_id: str, body: dict) -> dict:
        return await self._call("PUT", f"/follow-ups/{segment(entry_id)}/analysis", token, json=body)

    async def plan_contact(self, token: str, entry_id: str, body: dict) -> dict:
        return await self._call("POST", f"/follow-ups/{segment(entry_id)}/planned-contacts", token, json=body)

    async def record_attempt(self, token: str, entry_id: str, body: dict) -> dict:
        return await self._call("POST", f"/follow-ups/{segment(entry_id)}/attempts", token, json=body)

    async def make_appointment(self, token: str, entry_id: str, body: dict) -> dict:
        return await self._call("POST", f"/follow-ups/{segment(entry_id)}/appointments", token, json=body)

    async def decide_abandon(self, token: str, entry_id: str, abandon: bool) -> dict:
        path = f"/follow-ups/{segment(entry_id)}/abandon-decision"
        return await self._call("POST", path, token, json={"abandon": abandon})

    async def record_verdict(self, token: str, entry_id: str, verdict: str) -> dict:
        path = f"/follow-ups/{segment(entry_id)}/verdict"
        return await self._call("POST", path, token, json={"verdict": verdict})

    async def register_access_log(
        self, token: str, branch_id: str, day: date | None, limit: int
    ) -> list[dict]:
        path = f"/branches/{segment(branch_id)}/register-access-log"
        return await self._call("GET", path, token, params={"limit": limit} | _day(day))

    # targeted marketing

    async def record_activity(self, token: str, kind_path: str, body: dict) -> dict:
        """``kind_path``: ``/introductions``, ``/field-visits`` or ``/seminars``."""
        return await self._call("POST", kind_path, token, json=body)

    async def activity(self, token: str, activity_id: str) -> dict:
        return await self._call("GET", f"/marketing-activities/{segment(activity_id)}", token)

    async def activities(
        self, token: str, branch_id: str, period: str, day: date | None, kind: str | None, limit: int
    ) -> list[dict]:
        params = {"period": period, "limit": limit} | _day(day) | ({"kind": kind} if kind else {})
        path = f"/branches/{segment(branch_id)}/marketing-activities"
        return await self._call("GET", path, token, params=params)

    async def hand_over(self, token: str, activity_id: str, person_id: str, body: dict) -> dict:
        path = f"/marketing-activities/{segment(activity_id)}/participants/{segment(person_id)}/handover"
        return await self._call("POST", path, token, json=body)

    async def thank_introducer(self, token: str, activity_id: str, reward_due: bool) -> dict:
        path = f"/marketing-activities/{segment(activity_id)}/introducer-thanks"
        return await self._call("POST", path, token, json={"reward_due": reward_due})


def _day(day: date | None) -> dict:
    return {"day": day.isoformat()} if day else {}


def _day_path(branch_id: str, day: date) -> str:
    return f"/branches/{segment(branch_id)}/days/{day.isoformat()}"

"""The identify service's REST API, one method per call the gateway makes."""

from datetime import date

from branchflow_gateway.upstream import UpstreamClient, segment


class IdentifyClient(UpstreamClient):
    service = "identify"

    async def record_observation(self, token: str, body: dict) -> dict:
        return await self._call("POST", "/observations", token, json=body)

    async def lobby_list(self, token: str, branch_id: str, day: date | None) -> list[dict]:
        """With walk-in prospects: the lobby works from both."""
        params = {"include_prospects": "true"} | _day(day)
        return await self._call(
            "GET", f"/branches/{segment(branch_id)}/identifications", token, params=params
        )

    async def counter_observations(
        self, token: str, branch_id: str, day: date | None, mine: bool
    ) -> list[dict]:
        params = _day(day) | ({"mine": "true"} if mine else {})
        return await self._call(
            "GET", f"/branches/{segment(branch_id)}/counter-observations", token, params=params
        )

    async def record_handling(self, token: str, identification_id: str, outcome: str) -> dict:
        path = f"/identifications/{segment(identification_id)}/handling"
        return await self._call("PUT", path, token, json={"outcome": outcome})

    async def check_queue(self, token: str, body: dict) -> dict:
        return await self._call("POST", "/queue-checks", token, json=body)

    async def queue_checks(self, token: str, branch_id: str, day: date | None) -> dict:
        return await self._call(
            "GET", f"/branches/{segment(branch_id)}/queue-checks", token, params=_day(day)
        )

    async def record_prospect(self, token: str, body: dict) -> dict:
        return await self._call("POST", "/prospects", token, json=body)

    async def link_prospect(self, token: str, prospect_id: str, customer_id: str) -> dict:
        path = f"/prospects/{segment(prospect_id)}/link"
        return await self._call("POST", path, token, json={"customer_id": customer_id})

    async def prospects(self, token: str, branch_id: str, linked: bool | None) -> list[dict]:
        params = {} if linked is None else {"linked": str(linked).lower()}
        return await self._call("GET", f"/branches/{segment(branch_id)}/prospects", token, params=params)

    async def rating(self, token: str, customer_id: str) -> dict:
        return await self._call("GET", f"/customers/{segment(customer_id)}/rating", token)

    async def facts(self, token: str, customer_id: str) -> dict:
        return await self._call("GET", f"/customers/{segment(customer_id)}/facts", token)

    async def put_facts(self, token: str, customer_id: str, body: dict) -> dict:
        return await self._call("PUT", f"/customers/{segment(customer_id)}/facts", token, json=body)

    async def ratings(self, token: str, customer_ids: list[str]) -> list[dict]:
        return await self._call("GET", "/ratings", token, params={"customer_ids": customer_ids})

    async def identification(self, token: str, identification_id: str) -> dict:
        return await self._call("GET", f"/identifications/{segment(identification_id)}", token)

    async def identifications(self, token: str, ids: list[str]) -> list[dict]:
        return await self._call("GET", "/identifications", token, params={"ids": ids})

    async def counts(self, token: str, branch_id: str, day: date | None) -> dict:
        params = {"day": day.isoformat()} if day else {}
        return await self._call(
            "GET", f"/branches/{segment(branch_id)}/identification-counts", token, params=params
        )

    async def counts_all_branches(self, token: str, day: date | None) -> list[dict]:
        params = {"day": day.isoformat()} if day else {}
        return await self._call("GET", "/identification-counts", token, params=params)


def _day(day: date | None) -> dict:
    return {"day": day.isoformat()} if day else {}

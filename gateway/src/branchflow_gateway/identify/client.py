"""The identify service's REST API, one method per call the gateway makes."""

from datetime import date

from branchflow_gateway.upstream import UpstreamClient, segment


class IdentifyClient(UpstreamClient):
    service = "identify"

    async def record_observation(self, token: str, body: dict) -> dict:
        return await self._call("POST", "/observations", token, json=body)

    async def lobby_list(self, token: str, branch_id: str, day: date | None) -> list[dict]:
        params = {"day": day.isoformat()} if day else {}
        return await self._call(
            "GET", f"/branches/{segment(branch_id)}/identifications", token, params=params
        )

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

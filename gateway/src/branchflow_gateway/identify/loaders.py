"""DataLoaders, made per request: the fields of one query that need ratings or identifications
share one batch call to the identify service."""

import asyncio
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from branchflow_gateway.errors import GatewayError
from branchflow_gateway.identify.client import IdentifyClient


@dataclass
class Loaders:
    ratings: DataLoader
    identifications: DataLoader


def make_loaders(client: IdentifyClient, token: str) -> Loaders:
    async def load_ratings(customer_ids: list[str]) -> list:
        rows = {r["customer_id"]: r for r in await client.ratings(token, list(customer_ids))}
        return await _fill_missing(customer_ids, rows, lambda key: client.rating(token, key))

    async def load_identifications(ids: list[str]) -> list:
        rows = {r["identification_id"]: r for r in await client.identifications(token, list(ids))}
        return await _fill_missing(ids, rows, lambda key: client.identification(token, key))

    return Loaders(ratings=DataLoader(load_ratings), identifications=DataLoader(load_identifications))


async def _fill_missing(keys, found: dict, load_one) -> list:
    """A batch read leaves out what is missing or out of the caller's branch; asking for those
    one by one tells which (NOT_FOUND or FORBIDDEN), as the caller deserves to know."""

    async def one(key):
        if key in found:
            return found[key]
        try:
            return await load_one(key)
        except GatewayError as exc:
            return exc  # the DataLoader raises it for that key only

    return list(await asyncio.gather(*(one(k) for k in keys)))

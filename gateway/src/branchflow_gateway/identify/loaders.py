"""DataLoaders, made per request: the fields of one query that need ratings or identifications
share one batch call to the identify service."""

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from branchflow_gateway.batches import fill_missing
from branchflow_gateway.identify.client import IdentifyClient


@dataclass
class Loaders:
    ratings: DataLoader
    identifications: DataLoader


def make_loaders(client: IdentifyClient, token: str) -> Loaders:
    async def load_ratings(customer_ids: list[str]) -> list:
        rows = {r["customer_id"]: r for r in await client.ratings(token, list(customer_ids))}
        return await fill_missing(customer_ids, rows, lambda key: client.rating(token, key))

    async def load_identifications(ids: list[str]) -> list:
        rows = {r["identification_id"]: r for r in await client.identifications(token, list(ids))}
        return await fill_missing(ids, rows, lambda key: client.identification(token, key))

    return Loaders(ratings=DataLoader(load_ratings), identifications=DataLoader(load_identifications))

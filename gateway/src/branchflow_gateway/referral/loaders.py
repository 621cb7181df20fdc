"""DataLoaders, made per request: the fields of one query that need forms or register entries
share one batch call to the referral service (``GET /referrals?ids=``, ``GET /follow-ups?ids=``)."""

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from branchflow_gateway.batches import fill_missing
from branchflow_gateway.referral.client import ReferralClient

MAX_BATCH = 200  # ids the referral service takes in one batch read


@dataclass
class Loaders:
    referrals: DataLoader
    follow_ups: DataLoader  # each entry loaded is a read the service records


def make_loaders(client: ReferralClient, token: str) -> Loaders:
    async def load_referrals(ids: list[str]) -> list:
        rows = {r["referral_id"]: r for r in await client.referrals(token, list(ids))}
        return await fill_missing(ids, rows, lambda key: client.referral(token, key))

    async def load_follow_ups(ids: list[str]) -> list:
        rows = {r["entry_id"]: r for r in await client.follow_ups(token, list(ids))}
        return await fill_missing(ids, rows, lambda key: client.follow_up(token, key))

    return Loaders(
        referrals=DataLoader(load_referrals, max_batch_size=MAX_BATCH),
        follow_ups=DataLoader(load_follow_ups, max_batch_size=MAX_BATCH),
    )

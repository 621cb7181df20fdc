"""What every domain's DataLoaders share: a service's batch read (``GET /…?ids=``) answers with the
records that exist and that the caller may read, and leaves the others out."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence

from strawberry.dataloader import DataLoader

from branchflow_gateway.errors import GatewayError


async def fill_missing(
    keys: Sequence[Hashable], found: Mapping, load_one: Callable[[Hashable], Awaitable]
) -> list:
    """The batch's answers in the order of ``keys``. What the batch left out is asked for one by
    one, which tells which it is (NOT_FOUND or FORBIDDEN), as the caller deserves to know; the
    error is returned in that key's place, so the DataLoader raises it for that key only."""

    async def one(key):
        if key in found:
            return found[key]
        try:
            return await load_one(key)
        except GatewayError as exc:
            return exc

    return list(await asyncio.gather(*(one(k) for k in keys)))


def forget(loader: DataLoader, key: Hashable) -> None:
    """Drop what this request's loader holds for ``key`` after a change (nothing, if it held
    nothing: Strawberry's own ``clear`` raises KeyError for a key it never loaded)."""
    if loader.cache_map.get(key) is not None:
        loader.clear(key)

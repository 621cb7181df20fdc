"""A mutation drops what its request's DataLoader held for the record it changed — whether or not
the request had loaded it (Strawberry's own ``clear`` fails on a key it never loaded)."""

from strawberry.dataloader import DataLoader

from branchflow_gateway.batches import forget
from branchflow_runtime.auth import Role

from .conftest import graphql


async def test_forget_drops_a_loaded_key_and_ignores_one_never_loaded():
    asked = []

    async def load(keys):
        asked.append(list(keys))
        return [f"v{k}" for k in keys]

    loader = DataLoader(load)
    assert await loader.load("a") == "va"
    forget(loader, "a")
    forget(loader, "never")
    assert await loader.load("a") == "va"
    assert asked == [["a"], ["a"]]  # asked again after the change


async def test_updating_facts_without_reading_the_rating_first(gateway):
    response = await graphql(
        gateway,
        'mutation { updateCustomerFacts(customerId: "C1", facts: {branchId: "BR001"}) { tierChanged } }',
        Role.WEALTH_MANAGER,
    )
    assert response.json() == {"data": {"updateCustomerFacts": {"tierChanged": True}}}

import asyncio

import pytest

from branchflow_runtime.group_commit import GroupCommit


async def test_requests_arriving_during_a_write_share_the_next_one():
    batches: list[list[int]] = []

    async def write(items):
        batches.append(items)
        await asyncio.sleep(0.01)
        return [i * 10 for i in items]

    group = GroupCommit(write, name="test")
    first = asyncio.create_task(group.submit(0))
    await asyncio.sleep(0.001)  # the first request is being written, alone: it waits for nobody
    results = [await first, *await asyncio.gather(*(group.submit(i) for i in range(1, 50)))]
    assert results == [i * 10 for i in range(50)]
    assert batches[0] == [0]
    assert sorted(i for batch in batches for i in batch) == list(range(50))
    assert 2 <= len(batches) < 50


async def test_a_failed_write_fails_every_request_of_its_batch_only():
    async def write(items):
        await asyncio.sleep(0.01)
        if 3 in items:
            raise RuntimeError("database away")
        return items

    group = GroupCommit(write, name="test", max_batch=4)
    results = await asyncio.gather(*(group.submit(i) for i in range(10)), return_exceptions=True)
    failed = [i for i, r in enumerate(results) if isinstance(r, RuntimeError)]
    assert 3 in failed
    assert all(results[i] == i for i in range(10) if i not in failed)
    assert await group.submit(99) == 99  # and it keeps working


async def test_batches_respect_the_maximum():
    sizes = []

    async def write(items):
        sizes.append(len(items))
        await asyncio.sleep(0.005)
        return items

    group = GroupCommit(write, name="test", max_batch=7)
    await asyncio.gather(*(group.submit(i) for i in range(40)))
    assert max(sizes) <= 7


@pytest.mark.parametrize("count", [1, 3])
async def test_results_go_to_their_own_requests(count):
    group = GroupCommit(lambda items: asyncio.sleep(0, result=[f"r{i}" for i in items]), name="t")
    assert await asyncio.gather(*(group.submit(i) for i in range(count))) == [f"r{i}" for i in range(count)]

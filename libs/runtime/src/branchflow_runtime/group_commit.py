"""Group commit: requests that arrive while a transaction is being written wait for the next
one and share it. One transaction per batch instead of one per request: the commit and the
round trips to the database are paid once per batch, and each request still gets its answer
only after its own data is durable. At low load a batch is one request, so nothing waits."""

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from opentelemetry import trace

T = TypeVar("T")
R = TypeVar("R")
tracer = trace.get_tracer(__name__)


class GroupCommit(Generic[T, R]):
    def __init__(self, write: Callable[[list[T]], Awaitable[list[R]]], *, name: str, max_batch: int = 200):
        self._write = write
        self._name = name
        self._max_batch = max_batch
        self._waiting: list[tuple[T, asyncio.Future, trace.Link | None]] = []
        self._writer: asyncio.Task | None = None
        self.batches = 0

    async def submit(self, item: T) -> R:
        future = asyncio.get_running_loop().create_future()
        span_context = trace.get_current_span().get_span_context()
        self._waiting.append((item, future, trace.Link(span_context) if span_context.is_valid else None))
        if self._writer is None or self._writer.done():
            # an empty context: the writer serves many requests and must not join the trace of
            # the one that happened to start it (each request's span is linked instead)
            self._writer = asyncio.get_running_loop().create_task(
                self._write_all(), context=contextvars.Context()
            )
        return await future

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            links = [link for _, _, link in batch if link is not None]
            with tracer.start_as_current_span(
                f"{self._name} group commit", links=links, attributes={"batch.size": len(batch)}
            ):
                try:
                    results = await self._write([item for item, _, _ in batch])
                except Exception as exc:
                    for _, future, _ in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
            self.batches += 1
            for (_, future, _), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

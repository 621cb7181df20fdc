"""A lean HTTP/1.1 keep-alive client for generating load."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from json import dumps as _dumps

import httpx


@dataclass
class RawResponse:
    status_code: int
    text: str


class LeanHttpClient:
    """A minimal HTTP/1.1 keep-alive client for the load: a pool of plain asyncio connections,
    one request in flight on each. httpx spends 2–3 ms of CPU per POST here, which on a 2-core
    machine starves the service it is measuring; this spends a few tens of microseconds."""

    def __init__(self, base_url: str, size: int) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self._address = (host, int(port.rstrip("/")))
        self._size = size
        self._idle: asyncio.Queue = asyncio.Queue()
        self._opened = 0

    async def _connection(self):
        if self._idle.empty() and self._opened < self._size:
            self._opened += 1
            try:
                return await asyncio.open_connection(*self._address)
            except BaseException:  # refused (a server not listening yet): the slot stays free
                self._opened -= 1
                raise
        return await self._idle.get()

    async def post(self, path: str, json: dict, headers: dict[str, str]) -> RawResponse:
        body = _dumps(json).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self._address[0]}\r\n{head}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        return await self._exchange(request)

    async def get(self, path: str, headers: dict[str, str]) -> RawResponse:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return await self._exchange(f"GET {path} HTTP/1.1\r\nHost: {self._address[0]}\r\n{head}\r\n".encode())

    async def _exchange(self, request: bytes) -> RawResponse:
        """Send one request on a pooled connection and read its response (Content-Length)."""
        reader, writer = await self._connection()
        try:
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            text = (await reader.readexactly(length)).decode() if length else ""
            status = int(status_line.split()[1])
        except Exception:
            writer.close()
            self._opened -= 1
            raise
        self._idle.put_nowait((reader, writer))
        return RawResponse(status, text)

    async def aclose(self) -> None:
        while not self._idle.empty():
            _, writer = self._idle.get_nowait()
            writer.close()


def httpx_limits(concurrency: int) -> httpx.Limits:
    # keep-alive expiry below uvicorn's 5 s idle timeout, so that the client never reuses a
    # connection the server is closing
    return httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )

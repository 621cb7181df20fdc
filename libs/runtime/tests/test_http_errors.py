"""Hostile bodies get a 4xx that says what is wrong, never a 500, and never an echo of the input."""

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from branchflow_runtime.http_errors import MAX_JSON_DEPTH, excerpt, install_error_handling, service_router
from branchflow_runtime.i18n.http import localize


class Note(BaseModel):
    text: str = Field(max_length=20)
    count: int = 0


def make_app(max_body_bytes: int = 10_000) -> FastAPI:
    router = service_router()

    @router.post("/notes")
    async def add_note(note: Note) -> dict:
        return {"text": note.text}

    app = FastAPI()
    install_error_handling(app, max_body_bytes=max_body_bytes)
    localize(app)
    app.include_router(router)
    return app


@pytest.fixture
async def client():
    """In English: these tests read the words; the Chinese ones are at the end."""
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Accept-Language": "en"}
    ) as http:
        yield http


async def post(client, raw: bytes, language: str = "en") -> httpx.Response:
    headers = {"content-type": "application/json", "Accept-Language": language}
    return await client.post("/notes", content=raw, headers=headers)


@pytest.mark.parametrize(
    "raw", [b"1e309", b"NaN", b"Infinity", b"-Infinity", b'{"text": "a", "count": 1e309}']
)
async def test_non_finite_numbers_are_not_json(client, raw):
    response = await post(client, raw)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "json_invalid"
    assert error["msg"].startswith("JSON decode error: ")


@pytest.mark.parametrize("raw", [b'"\\ud800"', b'{"text": "\\ud800"}', b'{"text": "\xff\xfe"}'])
async def test_lone_surrogates_and_invalid_utf8_are_refused(client, raw):
    response = await post(client, raw)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_deep_nesting_is_refused_without_exhausting_the_stack(client):
    deep = b'{"text": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = await post(client, deep)
    assert response.status_code == 422
    assert f"deeper than {MAX_JSON_DEPTH}" in response.json()["detail"][0]["msg"]


async def test_nesting_within_the_limit_reaches_validation(client):
    nested = b'{"text": ' + b"[" * 5 + b"]" * 5 + b"}"
    response = await post(client, nested)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "text"]


async def test_a_body_over_the_limit_is_413_naming_the_limit(client):
    response = await post(client, b'{"text": "' + b"x" * 20_000 + b'"}')
    assert response.status_code == 413
    assert "10000 bytes" in response.json()["detail"]


async def test_a_streamed_body_over_the_limit_is_413_too(client):
    async def chunks():
        for _ in range(30):
            yield b"x" * 1000

    response = await client.post("/notes", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "10000 bytes" in response.json()["detail"]


async def test_an_error_echoes_only_an_excerpt_of_a_long_value(client):
    response = await post(client, b'{"text": "' + b"y" * 9_000 + b'"}')
    assert response.status_code == 422
    assert len(response.content) < 600
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "text"] and error["type"] == "string_too_long"
    assert error["input"].startswith("yyy") and error["input"].endswith("…")


async def test_a_valid_body_is_served(client):
    response = await post(client, '{"text": "大额存款"}'.encode())
    assert response.status_code == 200
    assert response.json() == {"text": "大额存款"}


def test_excerpt_is_json_safe_for_anything():
    assert excerpt(float("inf")) == "inf"
    assert excerpt("\ud800") == "\\ud800"
    assert excerpt(10**40).endswith("…") or len(excerpt(10**40)) <= 80
    deep: list = []
    for _ in range(2000):
        deep = [deep]
    assert isinstance(excerpt(deep), str) and len(excerpt(deep)) <= 80


async def test_refusals_are_worded_in_chinese_by_default(client):
    not_json = await post(client, b"NaN", language="")
    too_long = await post(client, b'{"text": "' + b"y" * 100 + b'"}', language="zh-CN")
    too_large = await post(client, b'{"text": "' + b"x" * 20_000 + b'"}', language="zh")
    assert [r.headers["content-language"] for r in (not_json, too_long, too_large)] == ["zh-CN"] * 3
    [error] = not_json.json()["detail"]
    assert error["type"] == "json_invalid" and error["msg"].startswith("JSON 格式无效：")
    [error] = too_long.json()["detail"]
    assert error["msg"] == "字符串长度最多为 20 个字符"
    assert error["type"] == "string_too_long" and error["ctx"] == {"max_length": 20}
    assert too_large.status_code == 413 and too_large.json()["detail"] == "请求正文超过 10000 字节"

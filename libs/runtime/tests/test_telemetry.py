"""What a process's tracer provider keeps: every span of a flow, with text attributes, and the
SQL of every database engine."""

import pytest
import sqlalchemy as sa
from opentelemetry import propagate
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from branchflow_runtime.database import create_engine
from branchflow_runtime.telemetry import instrument_engine, new_provider, setup_tracing


def traced():
    exporter = InMemorySpanExporter()
    provider = new_provider("test")
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test"), exporter


def names(exporter: InMemorySpanExporter) -> list[str]:
    return [span.name for span in exporter.get_finished_spans()]


def test_a_call_continuing_a_trace_from_elsewhere_is_traced():
    tracer, exporter = traced()
    carrier = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    with tracer.start_as_current_span(
        "customer.identified publish", propagate.extract(carrier), kind=SpanKind.PRODUCER
    ):
        pass
    with tracer.start_as_current_span("GET", propagate.extract(carrier), kind=SpanKind.CLIENT):
        pass
    assert names(exporter) == ["customer.identified publish", "GET"]
    assert {format(s.context.trace_id, "032x") for s in exporter.get_finished_spans()} == {
        "0af7651916cd43dd8448eb211c80319c"
    }


def test_byte_string_attributes_become_text():
    tracer, exporter = traced()
    attributes = {
        "messaging.kafka.message.key": b"C000042",
        "messaging.kafka.partition": 3,
        "raw": b"\xff\x01",
    }
    with tracer.start_as_current_span(
        "customer.identified create", kind=SpanKind.PRODUCER, attributes=attributes
    ):
        pass
    [span] = exporter.get_finished_spans()
    assert span.attributes["messaging.kafka.message.key"] == "C000042"
    assert span.attributes["messaging.kafka.partition"] == 3
    assert span.attributes["raw"] == "\\xff\x01"


@pytest.mark.connected
async def test_every_engine_of_the_process_gets_sql_spans(database_factory):
    """The SQLAlchemy instrumentor instruments once per process: an engine made after the first
    (several services in one test process) must get its spans too."""
    exporter = InMemorySpanExporter()
    setup_tracing("test", [SimpleSpanProcessor(exporter)])
    engines = [create_engine(await database_factory("traced"), pool_size=1) for _ in range(2)]
    try:
        for engine in engines:
            instrument_engine(engine)
        for engine in engines:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT 'traced engine'"))
    finally:
        for engine in engines:
            await engine.dispose()
    traced = {
        span.attributes.get("db.name")
        for span in exporter.get_finished_spans()
        if "traced engine" in str(span.attributes.get("db.statement"))
    }
    assert traced == {engine.url.database for engine in engines}

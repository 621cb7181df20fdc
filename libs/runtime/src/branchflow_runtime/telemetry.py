"""OpenTelemetry: one tracer provider per process, the instrumentations we rely on, OTLP
export when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``…_TRACES_ENDPOINT``) is set."""

import os
import weakref

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None
_traced_engines: weakref.WeakSet = weakref.WeakSet()  # engines whose SQL is traced


class TextAttributes(SpanProcessor):
    """Byte-string attribute values (FastStream records each Kafka message's key as bytes) become
    text when the span starts: trace viewers show text, and Phoenix refuses a span with bytes."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        for key, value in (span.attributes or {}).items():
            if isinstance(value, bytes):
                span.set_attribute(key, value.decode("utf-8", "backslashreplace"))


def new_provider(service_name: str) -> TracerProvider:
    """A provider as every process has one, without an exporter yet."""
    provider = TracerProvider(
        resource=Resource.create({"service.name": os.getenv("OTEL_SERVICE_NAME", service_name)}),
    )
    provider.add_span_processor(TextAttributes())
    return provider


def setup_tracing(service_name: str, extra_processors: list[SpanProcessor] = ()) -> TracerProvider:
    """Install the process's tracer provider once; later calls only add processors."""
    global _provider
    if _provider is None:
        _provider = new_provider(service_name)
        if os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") or os.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(_provider)
    for processor in extra_processors:
        _provider.add_span_processor(processor)
    return _provider


def fastapi_telemetry() -> dict:
    """FastAPI's own OpenTelemetry support (``FastAPI(telemetry=...)``): a server span per
    request that continues the caller's ``traceparent``. Per-operation spans (dependencies,
    serialization) are off: they cost a fifth of a busy worker and tell ops nothing a server
    span with its SQL and Kafka children does not. Health checks are not traced."""
    return {
        "operation_spans": False,
        "metrics": False,
        "exclude": lambda scope: scope.get("path", "").startswith("/health/"),
    }


def instrument_httpx() -> None:
    """httpx client spans, with the trace context sent on to the service called."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    if not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:
        HTTPXClientInstrumentor().instrument()


def instrument_httpx_client(client) -> None:
    """Client spans for one client whatever its transport (the class-level instrumentation above
    covers only httpx's own transport)."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client)


def instrument_engine(engine) -> None:
    """SQLAlchemy query spans (child spans of the request or the consumer). The instrumentor
    instruments once per process, with the engines it is given then: an engine made later (several
    services in one test process) is added by instrumenting anew with every engine so far."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    instrumentor = SQLAlchemyInstrumentor()
    _traced_engines.add(engine.sync_engine)
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()
    instrumentor.instrument(engines=list(_traced_engines))


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict

from branchflow_runtime.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    http_port: int = 8000
    # one URL per service behind the gateway, named <service>_url (GATEWAY_<SERVICE>_URL)
    identify_url: str = "http://127.0.0.1:8001"
    referral_url: str = "http://127.0.0.1:8002"
    upstream_timeout_seconds: float = 5.0
    # connections to each service: one uvicorn worker there serves a few at a time, and more
    # would only queue inside it
    upstream_max_connections: int = 8
    # query limits (safe by default)
    # a request body above this is refused (413) unread. The largest a branch front end sends is
    # an observation of 40 signals, about 4 KB (a complaint's text, to come, a few thousand
    # characters of 3 bytes each): 64 KiB is many times that, and small enough that refusing
    # it costs nothing
    max_body_bytes: int = 65_536
    max_depth: int = 8
    max_tokens: int = 1000
    max_aliases: int = 15
    # live push: consume customer.identified for the lobby's subscription and customer.referred
    # for the wealth managers'
    live_updates: bool = True
    # a topic the gateway reads and finds missing at start, it creates, so its feed follows
    # from the start: with the partitions and replicas the broker gives a topic created on
    # first use (docker-compose: KAFKA_NUM_PARTITIONS 3, one broker). Whoever creates a topic
    # first decides these: in production, create the topics beforehand
    new_topic_partitions: int = 3
    new_topic_replicas: int = 1
    # the lobby list is kept between identifications (each one's event drops it), at most this
    # long; 0 = always ask identify. Only with live updates on: the events are what drop it
    lobby_list_cache_seconds: float = 5.0
    # where ops open a trace, e.g. http://127.0.0.1:6006/redirects/traces/{trace_id} (the trace
    # viewer of `make run TRACES=1`) or Jaeger's http://jaeger:16686/trace/{trace_id}; empty: no link
    trace_url_template: str = ""

    @field_validator("trace_url_template")
    @classmethod
    def _names_the_trace(cls, template: str) -> str:
        if not template:
            return template
        try:
            filled = template.format(trace_id="")
        except (KeyError, IndexError, ValueError):
            filled = template
        if filled == template:
            raise ValueError(
                f"{template!r} must contain {{trace_id}} where the trace id goes, and no other {{…}}"
            )
        return template

    def upstream_url(self, service: str) -> str:
        return getattr(self, f"{service}_url")

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from branchflow_runtime.settings import ProspectIdSettings, ServiceSettings

DEFAULT_RULES = Path(__file__).with_name("rating.toml")
DEFAULT_EXCHANGE_RATES = Path(__file__).with_name("exchange_rates.toml")


class IdentifySettings(ProspectIdSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTIFY_", extra="ignore")

    service_name: str = "identify"
    http_port: int = 8001
    rating_rules_path: Path = DEFAULT_RULES
    exchange_rates_path: Path = DEFAULT_EXCHANGE_RATES
    # periodic re-rating: customers rated under older rules, whose signals ran out, or rated
    # longer ago than this
    sweep_interval_seconds: float = 300.0
    sweep_max_age_hours: float = 24.0 * 30
    sweep_batch_size: int = 500
    start_sweeper: bool = True

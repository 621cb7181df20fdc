from pathlib import Path

from pydantic_settings import SettingsConfigDict

from branchflow_runtime.settings import ProspectIdSettings, ServiceSettings
from branchflow_runtime.workdays import CalendarSettings

DEFAULT_RULES = Path(__file__).with_name("referral.toml")


class ReferralSettings(ProspectIdSettings, CalendarSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", extra="ignore")

    service_name: str = "referral"
    http_port: int = 8002
    rules_path: Path = DEFAULT_RULES
    # the monthly summary: how often to look whether last month's is due (first working day on)
    summary_check_seconds: float = 600.0
    start_summary_job: bool = True

"""The calendar's settings, for a service to mix into its own (its env prefix applies):

class ComplaintSettings(CalendarSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINT_")

COMPLAINT_CALENDAR_OVERRIDE_FILES='["/etc/branchflow/calendar-2027.toml"]'
COMPLAINT_CLOSE_OF_BUSINESS=17:30
"""

from datetime import time
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CLOSE_OF_BUSINESS = time(17, 0)


class CalendarSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    # one file per year, each the State Council's arrangement for it (see overrides.py)
    calendar_override_files: list[Path] = Field(default_factory=list)
    # wall-clock time in Asia/Shanghai at which a time limit's last day ends
    close_of_business: time = DEFAULT_CLOSE_OF_BUSINESS

"""The tests' own rules and rates (``tests/rules/``), loaded once: expected values follow from
these files, never from the bank's ``rating.toml``."""

from pathlib import Path

from identify.adapters.rules_file import load_exchange_rates, load_rules

RULES_DIR = Path(__file__).parent.parent / "rules"  # shared with the connected tests
RULES = load_rules(RULES_DIR / "rating.toml")
RATES = load_exchange_rates(RULES_DIR / "exchange_rates.toml")

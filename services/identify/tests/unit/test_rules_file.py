"""The bank's files are checked at start: a mistake stops the service and names where it is."""

import tomllib

import pytest

from identify.adapters.rules_file import RulesFileError, load_exchange_rates, load_rules, rules_from_dict
from identify.config import DEFAULT_EXCHANGE_RATES, DEFAULT_RULES

from .ruleset import RULES_DIR


def test_the_shipped_files_are_valid():
    rules = load_rules(DEFAULT_RULES)
    assert rules.tiers and rules.version
    assert load_exchange_rates(DEFAULT_EXCHANGE_RATES).cny_per_unit


def raw() -> dict:
    return tomllib.loads((RULES_DIR / "rating.toml").read_text())


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda r: r["tiers"][3].update(min_busines_with_us=10), "tiers.3.min_busines_with_us"),
        (lambda r: r["signals"]["points"].update(flying_car=5), "signals.points"),
        (lambda r: r["personal"]["occupation"].update(astronaut=5), "personal.occupation.astronaut"),
        (lambda r: r["tiers"].append({"tier": "ordinary"}), "tiers.4"),
        (lambda r: r["signals"]["lifetime_days"].pop("default"), "signals.lifetime_days"),
        (lambda r: r["signals"]["lifetime_days"].update(luxury_car=0), "signals.lifetime_days.luxury_car"),
        (lambda r: r["holdings"]["aum_bands"][0].update(points=-1), "holdings.aum_bands.0.points"),
    ],
)
def test_a_mistake_in_the_rules_is_refused_with_its_place(edit, where):
    rules = raw()
    edit(rules)
    with pytest.raises(RulesFileError, match=where.replace(".", r"\.")):
        rules_from_dict(rules)


def test_kinds_left_out_score_nothing_and_live_the_default_lifetime():
    rules = rules_from_dict(raw())
    assert "luxury_clothing" not in rules.signal_points
    assert rules.signal_lifetimes["luxury_clothing"].days == 365
    assert rules.signal_lifetimes["luxury_car"].days == 30


def test_a_missing_file_names_itself(tmp_path):
    with pytest.raises(RulesFileError, match=r"nowhere\.toml"):
        load_rules(tmp_path / "nowhere.toml")

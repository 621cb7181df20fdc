"""Money as the rating compares it: CNY. An amount in another currency is converted with the
rates the bank sets (``exchange_rates.toml``), or refused with a reason; it is never compared raw
with a CNY threshold. Every amount that enters identify in a currency goes through ``to_cny``."""

from dataclasses import dataclass
from decimal import Decimal

from identify.domain.refusals import Refused
from identify.domain.signals import Conversion

CNY = "CNY"
CENT = Decimal("0.01")


class NoExchangeRate(Refused, ValueError):
    """The amount's currency has no rate: refused (a mined transaction is dead-lettered, an
    observation is a 422), to be replayed once the bank adds the rate."""

    code = "money.no_exchange_rate"

    def __init__(self, currency: str, rates_as_of: str) -> None:
        self.currency, self.rates_as_of = currency, rates_as_of
        super().__init__(currency=currency, rates_as_of=rates_as_of)

    def __str__(self) -> str:  # the dead-letter header says which refusal it was
        return f"{self.code}: {super().__str__()}"


@dataclass(frozen=True)
class ExchangeRates:
    as_of: str  # the date or version of the bank's rates, shown with every conversion
    cny_per_unit: dict[str, Decimal]

    def to_cny(self, amount: Decimal, currency: str) -> tuple[Decimal, Conversion | None]:
        """``amount`` in CNY (to the cent) and how it was converted (None when it was CNY)."""
        code = currency.strip().upper()
        if code == CNY:
            return amount, None
        rate = self.cny_per_unit.get(code)
        if rate is None:
            raise NoExchangeRate(code, self.as_of)
        return (amount * rate).quantize(CENT), Conversion(code, amount, rate, self.as_of)


NO_RATES = ExchangeRates(as_of="none", cny_per_unit={})

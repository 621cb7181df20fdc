"""Refusals with a reason: a code the catalogues translate, its parameters, and the English text
(``texts.REFUSAL_TEXTS``) as the message. A kind of refusal has one code (the class's), or names
it when raised (``InvalidSignal("signal.amount_required", kind=…)``)."""

from identify.domain.texts import REFUSAL_TEXTS, render


class Refused(Exception):
    code = ""

    def __init__(self, code: str | None = None, /, **params) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(render(REFUSAL_TEXTS, self.code, params))

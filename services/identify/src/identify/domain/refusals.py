"""Refusals with a reason: a code the catalogues translate, its parameters, and the English text
(``texts.REFUSAL_TEXTS``) as the message."""

from identify.domain.texts import REFUSAL_TEXTS, render


class Refused(Exception):
    code = ""

    def __init__(self, **params) -> None:
        self.params = params
        super().__init__(render(REFUSAL_TEXTS, self.code, params))

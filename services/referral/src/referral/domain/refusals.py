"""Why the referral service says no. A refusal has a code (on the wire) and an English text with
named placeholders (one table, so each becomes a gettext catalogue entry). ``Refused`` is a
forbidden transition or a rule the request breaks (409); ``Invalid`` is input that cannot be
right whatever the state (422), naming the field."""

from enum import StrEnum


def N_(message: str) -> str:
    """Marks a text for the referral catalogue (``make i18n``); it is translated where it is shown,
    in the caller's language. The domain imports no framework, so the marker is this one."""
    return message


class Refusal(StrEnum):
    # filing
    FOLLOWED_UP_RECENTLY = "followed_up_recently"
    ALREADY_REFERRED = "already_referred"
    ALREADY_FOLLOWED_UP = "already_followed_up"
    DAY_CLOSED = "day_closed"
    REFERRAL_ID_TAKEN = "referral_id_taken"
    # the form's status machine
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_COPIED = "already_copied"
    WITHDRAWN = "withdrawn"
    PENDING_IS_COPIED = "pending_is_copied"
    REFERRED_IS_CONFIRMED = "referred_is_confirmed"
    NOT_MET_NEEDS_FOLLOW_UP = "not_met_needs_follow_up"
    CLOSED_FORM_NOT_WITHDRAWN = "closed_form_not_withdrawn"
    # suggestions
    SUGGESTION_ACTED_ON = "suggestion_acted_on"
    # the close of business
    DAY_HAS_OPEN_FORMS = "day_has_open_forms"
    DAY_NOT_OVER = "day_not_over"
    # the follow-up register
    ENTRY_CLOSED = "entry_closed"
    ABANDON_NOT_PROPOSED = "abandon_not_proposed"
    # targeted marketing
    ALREADY_HANDED_OVER = "already_handed_over"
    ALREADY_THANKED = "already_thanked"


REFUSAL_TEXTS: dict[Refusal, str] = {
    Refusal.FOLLOWED_UP_RECENTLY: N_(
        "A wealth manager already followed this customer up on {judged_on}; no new referral before {until}."
    ),
    Refusal.ALREADY_REFERRED: N_(
        "This customer was already referred on {day} (form {referral_id}); "
        "it awaits the wealth manager's confirmation."
    ),
    Refusal.ALREADY_FOLLOWED_UP: N_("A wealth manager is already following this customer up."),
    Refusal.DAY_CLOSED: N_(
        "The branch's day {day} was closed at {closed_at}; the lobby manager can reopen it."
    ),
    Refusal.REFERRAL_ID_TAKEN: N_("Referral {referral_id} exists with other content; use a new id."),
    Refusal.ALREADY_CONFIRMED: N_(
        "The referral was already confirmed by {by} at {at}, with the result {result}."
    ),
    Refusal.ALREADY_COPIED: N_(
        "The referral was already copied into the follow-up register by {by} at {at}."
    ),
    Refusal.WITHDRAWN: N_("The referral was withdrawn by {by} at {at}."),
    Refusal.PENDING_IS_COPIED: N_(
        "A pending referral did not meet a wealth manager: copy it into the "
        "follow-up register instead of confirming a meeting."
    ),
    Refusal.REFERRED_IS_CONFIRMED: N_(
        "The customer was handed to the wealth manager on the spot: confirm "
        "the meeting and its result instead of copying it."
    ),
    Refusal.NOT_MET_NEEDS_FOLLOW_UP: N_(
        "A customer the wealth manager did not meet can only be followed up, not judged {result}."
    ),
    Refusal.CLOSED_FORM_NOT_WITHDRAWN: N_(
        "Only a form still awaiting the wealth manager can be withdrawn; this one is {status}."
    ),
    Refusal.SUGGESTION_ACTED_ON: N_("The suggestion was already {status} by {by} at {at}."),
    Refusal.DAY_HAS_OPEN_FORMS: N_(
        "The day cannot be closed: {count} form(s) still await the wealth manager ({referral_ids})."
    ),
    Refusal.DAY_NOT_OVER: N_("The day {day} has not begun yet in the branch."),
    Refusal.ENTRY_CLOSED: N_("The follow-up entry is closed ({status}) since {at}."),
    Refusal.ABANDON_NOT_PROPOSED: N_(
        "Abandoning is proposed after {needed} failed contacts in a row; this entry has {failures}."
    ),
    Refusal.ALREADY_HANDED_OVER: N_(
        "This person was already handed over to wealth manager {wealth_manager_id} (referral {referral_id})."
    ),
    Refusal.ALREADY_THANKED: N_("The introducer was already thanked at {at}."),
}


class Refused(Exception):
    """A request the state forbids (HTTP 409). ``code`` goes on the wire, ``message`` to the person."""

    def __init__(self, code: Refusal, **params: object) -> None:
        self.code = code
        self.template = REFUSAL_TEXTS[code]
        self.params = params
        self.message = self.template.format(**params)
        super().__init__(self.message)


class Invalid(ValueError):
    """Input that cannot be right in any state (HTTP 422): names the field and says why.
    ``template`` is a marked text with named placeholders, filled from ``params``."""

    def __init__(self, field: str, template: str, **params: object) -> None:
        self.field = field
        self.template = template
        self.params = params
        self.message = template.format(**params)
        super().__init__(f"{field}: {self.message}")


class NotFound(LookupError):
    """What the request names does not exist (HTTP 404)."""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key}")

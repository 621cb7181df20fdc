"""Each role's referral views through the gateway, with a fake referral service behind it (issue
10 §6): what each role asks for, what the gateway sends the service, how its refusals come back
(403 → FORBIDDEN, 404 → NOT_FOUND, 409 and 422 → BAD_USER_INPUT with the service's reason), the
DataLoaders' batches, and partial data when the service is down."""

import json

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role

from .conftest import fake_services, graphql
from .fake_referral import (
    ACTIVITY_ID,
    ENTRY_ID,
    FOLLOWED_UP,
    FORBIDDEN_FORM_ID,
    FORM_ID,
    OTHER_FORM_ID,
    SUGGESTION_ID,
)


@pytest.fixture
async def gateway(fake_identify, fake_referral):
    """The gateway with its default query limits: referral's views nest deeper than the lobby's."""
    app = create_app(
        GatewaySettings(live_updates=False), transports=fake_services(fake_identify, fake_referral)
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
    ):
        yield client


async def ask(client, query: str, role: Role, variables=None, **token_kw) -> dict:
    response = await graphql(client, query, role, variables, **token_kw)
    assert response.status_code == 200, response.text
    return response.json()


def data_of(body: dict) -> dict:
    assert "errors" not in body, body["errors"]
    return body["data"]


def sent(fake_referral, method: str, path: str) -> httpx.Request:
    [request] = [c for c in fake_referral.calls if c.method == method and c.url.path == path]
    return request


def error_code(body: dict) -> str:
    [error] = body["errors"]
    return error["extensions"]["code"]


FORM_FIELDS = """referralId status filedAs source referredBy wealthManagerId referredAt referredAtLocal
    result person { customerId prospectId name phone personalDataMasked }"""

# --- lobby manager ---------------------------------------------------------------------------------


async def test_the_lobby_files_a_walk_in_as_pending_and_the_service_gets_its_own_codes(
    gateway, fake_referral
):
    body = await ask(
        gateway,
        f"""mutation($r: ReferralInput!) {{ fileReferral(referral: $r) {{ {FORM_FIELDS} contactWay }} }}""",
        Role.LOBBY_MANAGER,
        {
            "r": {
                "prospect": {"name": "周先生", "phone": "139 1111 2222"},
                "status": "PENDING",
                "wealthManagerId": "wealth_manager-1",
                "contact": {"at": "2026-11-25T10:00:00+08:00", "way": "PHONE"},
                "note": "prefers mornings",
            }
        },
    )
    form = data_of(body)["fileReferral"]
    assert form["status"] == "PENDING" and form["source"] == "LOBBY"
    assert form["person"] == {
        "customerId": None,
        "prospectId": "P0123456789ab",
        "name": "周先生",
        "phone": "139 1111 2222",
        "personalDataMasked": False,
    }
    assert form["referredAtLocal"] == "2026-11-24T09:30:00+08:00"
    assert json.loads(sent(fake_referral, "POST", "/referrals").content) == {
        "prospect": {"name": "周先生", "phone": "139 1111 2222"},
        "status": "pending",
        "wealth_manager_id": "wealth_manager-1",
        "contact": {"at": "2026-11-25T10:00:00+08:00", "way": "phone"},
        "note": "prefers mornings",
    }


async def test_the_lobbys_day_every_form_suggestions_counts_and_days_left_open(gateway, fake_referral):
    body = await ask(
        gateway,
        """{ referralDay(day: "2026-11-24") { branchId day status
              forms { referralId status } awaitingConfirmation { referralId } awaitingCopy { referralId }
              suggestionsNotActedOn { suggestionId status referral { referralId } }
              counts { staffId role filed referred pending met sold }
              earlierDaysLeftOpen { day closed awaitingConfirmation { referralId referredBy } } }
            referralSuggestions { suggestionId status referral { referralId status } } }""",
        Role.LOBBY_MANAGER,
    )
    day = data_of(body)["referralDay"]
    assert (day["branchId"], day["day"], day["status"]) == ("BR001", "2026-11-24", "OPEN")
    # every form of the day, in the order filed: the one done at 09:30, then the pending one at 10:00
    assert [f["referralId"] for f in day["forms"]] == [FORM_ID, FORM_ID, OTHER_FORM_ID]
    assert day["awaitingCopy"] == [{"referralId": OTHER_FORM_ID}]
    assert day["suggestionsNotActedOn"] == [
        {"suggestionId": SUGGESTION_ID, "status": "OPEN", "referral": None}
    ]
    assert day["counts"] == [
        {
            "staffId": "teller-1",
            "role": "teller",
            "filed": 3,
            "referred": 2,
            "pending": 1,
            "met": 2,
            "sold": 1,
        }
    ]
    assert day["earlierDaysLeftOpen"] == [
        {
            "day": "2026-11-21",
            "closed": False,
            "awaitingConfirmation": [{"referralId": FORM_ID, "referredBy": "lobby_manager-1"}],
        }
    ]
    [suggestion] = data_of(body)["referralSuggestions"]
    assert suggestion["referral"] == {"referralId": FORM_ID, "status": "REFERRED"}
    # the forms the day names by id and the suggestion's form: one batch read for the request
    batches = [c for c in fake_referral.calls if c.method == "GET" and c.url.path == "/referrals"]
    assert len(batches) == 1 and batches[0].url.params.get_list("ids") == [FORM_ID]
    assert sent(fake_referral, "GET", "/branches/BR001/days/2026-11-24")


async def test_the_lobby_closes_its_day_and_a_refusal_says_why_with_the_services_code(gateway, fake_referral):
    closed = await ask(
        gateway,
        'mutation { closeReferralDay(day: "2026-11-24") { status closedBy closedAtLocal } }',
        Role.LOBBY_MANAGER,
    )
    assert data_of(closed)["closeReferralDay"] == {
        "status": "CLOSED",
        "closedBy": "lobby_manager-1",
        "closedAtLocal": "2026-11-24T18:00:00+08:00",
    }
    refused = await ask(
        gateway, 'mutation { closeReferralDay(day: "2026-11-21") { status } }', Role.LOBBY_MANAGER
    )
    [error] = refused["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "day_has_open_forms"}
    assert error["message"].startswith("The day cannot be closed: 1 form(s) still await the wealth manager")


async def test_lobby_and_counter_never_read_a_verdict_even_from_a_service_that_shows_it(
    gateway, fake_referral
):
    query = '{ referralDay(day: "2026-11-24") { done { result } } }'
    assert data_of(await ask(gateway, query, Role.LOBBY_MANAGER))["referralDay"]["done"] == [
        {"result": "CLOSED"}
    ]
    head = data_of(await ask(gateway, query, Role.BRANCH_HEAD))["referralDay"]["done"]
    assert head == [{"result": "NOT_PREMIUM"}]
    fake_referral.verdicts_unmasked = True  # a service that forgot its own rule
    assert data_of(await ask(gateway, query, Role.LOBBY_MANAGER))["referralDay"]["done"] == [
        {"result": "CLOSED"}
    ]


async def test_the_lobby_files_and_dismisses_suggestions(gateway, fake_referral):
    filed = await ask(
        gateway,
        """mutation($s: ID!) { fileSuggestedReferral(suggestionId: $s,
            referral: {status: REFERRED, wealthManagerId: "wealth_manager-1"}) { referralId status } }""",
        Role.LOBBY_MANAGER,
        {"s": SUGGESTION_ID},
    )
    assert data_of(filed)["fileSuggestedReferral"] == {"referralId": FORM_ID, "status": "REFERRED"}
    request = sent(fake_referral, "POST", f"/suggestions/{SUGGESTION_ID}/referral")
    assert json.loads(request.content) == {"status": "referred", "wealth_manager_id": "wealth_manager-1"}
    dismissed = await ask(
        gateway,
        'mutation($s: ID!) { dismissSuggestion(suggestionId: $s, reason: "left") '
        "{ status dismissalReason } }",
        Role.LOBBY_MANAGER,
        {"s": SUGGESTION_ID},
    )
    assert data_of(dismissed)["dismissSuggestion"] == {"status": "DISMISSED", "dismissalReason": "left"}


# --- teller --------------------------------------------------------------------------------------


async def test_a_teller_files_and_reads_its_own_forms_and_nothing_of_the_day(gateway, fake_referral):
    filed = await ask(
        gateway,
        """mutation { fileReferral(referral: {customerId: "C000050", status: REFERRED,
            wealthManagerId: "wealth_manager-1"}) { referredBy person { customerId } } }""",
        Role.TELLER,
    )
    assert data_of(filed)["fileReferral"] == {"referredBy": "teller-1", "person": {"customerId": "C000050"}}
    mine = await ask(gateway, '{ myReferrals(day: "2026-11-24") { referredBy referrerRole } }', Role.TELLER)
    assert data_of(mine)["myReferrals"] == [{"referredBy": "teller-1", "referrerRole": "teller"}]
    assert sent(fake_referral, "GET", "/me/referrals").url.params["day"] == "2026-11-24"
    day = await ask(gateway, "{ referralDay { day } }", Role.TELLER)
    assert error_code(day) == "BAD_USER_INPUT" and "referralDay" in day["errors"][0]["message"]


# --- wealth manager ------------------------------------------------------------------------------


async def test_a_wealth_manager_confirms_and_copies_its_forms(gateway, fake_referral):
    todo = await ask(
        gateway,
        "{ referralsToConfirm { referralId status person { name personalDataMasked } } }",
        Role.WEALTH_MANAGER,
    )
    assert [f["status"] for f in data_of(todo)["referralsToConfirm"]] == ["REFERRED", "PENDING"]
    confirmed = await ask(
        gateway,
        "mutation($id: ID!) { confirmReferral(referralId: $id, met: true, result: NOT_PREMIUM) "
        "{ status met result closedBy } }",
        Role.WEALTH_MANAGER,
        {"id": FORM_ID},
    )
    assert data_of(confirmed)["confirmReferral"] == {
        "status": "CONFIRMED",
        "met": True,
        "result": "NOT_PREMIUM",
        "closedBy": "wealth_manager-1",
    }
    assert json.loads(sent(fake_referral, "POST", f"/referrals/{FORM_ID}/confirmation").content) == {
        "met": True,
        "result": "not_premium",
    }
    copied = await ask(
        gateway,
        "mutation($id: ID!) { copyReferralToRegister(referralId: $id) { status entryId } }",
        Role.WEALTH_MANAGER,
        {"id": OTHER_FORM_ID},
    )
    assert data_of(copied)["copyReferralToRegister"] == {"status": "COPIED", "entryId": ENTRY_ID}
    wrong = await ask(
        gateway,
        "mutation($id: ID!) { confirmReferral(referralId: $id, met: false, result: FOLLOW_UP) { status } }",
        Role.WEALTH_MANAGER,
        {"id": OTHER_FORM_ID},
    )
    [error] = wrong["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "pending_is_copied"}
    assert wrong["data"] is None  # a mutation's answer is not nullable: nothing half-done is shown


async def test_a_wealth_managers_register_diary_and_attempts(gateway, fake_referral):
    body = await ask(
        gateway,
        """{ followUpRegister { entryId status failuresInARow analysis { means character }
              person { name } attempts { way result attemptedAtLocal nextStep }
              plannedContacts { day atTime way } appointments { meetsAtLocal place }
              referral { referralId filedAs } }
            workDiary(day: "2026-11-27") { day plannedContacts { atTime person { name } }
              appointments { place } } }""",
        Role.WEALTH_MANAGER,
    )
    [entry] = data_of(body)["followUpRegister"]
    assert entry["analysis"] == {"means": "owns two shops", "character": None}
    assert entry["attempts"] == [
        {
            "way": "PHONE",
            "result": "NO_ANSWER",
            "attemptedAtLocal": "2026-11-25T10:00:00+08:00",
            "nextStep": "call again Friday",
        }
    ]
    assert entry["plannedContacts"] == [{"day": "2026-11-27", "atTime": "10:00:00", "way": "PHONE"}]
    assert entry["referral"] == {"referralId": OTHER_FORM_ID, "filedAs": "PENDING"}
    assert (
        sent(fake_referral, "GET", "/wealth-managers/wealth_manager-1/follow-ups").url.params["closed"]
        == "false"
    )
    diary = data_of(body)["workDiary"]
    assert diary["plannedContacts"] == [{"atTime": "10:00:00", "person": {"name": "周先生"}}]
    assert (
        sent(fake_referral, "GET", "/wealth-managers/wealth_manager-1/diary").url.params["day"]
        == "2026-11-27"
    )

    recorded = await ask(
        gateway,
        """mutation($e: ID!) { recordAttempt(entryId: $e, attempt: {way: PHONE, result: NO_ANSWER,
            nextStep: "try e-mail", nextContact: {day: "2026-11-28", way: EMAIL}}) {
            status failuresInARow abandonProposed attempt { result } nextContact { day }
            appointment { place } } }""",
        Role.WEALTH_MANAGER,
        {"e": ENTRY_ID},
    )
    assert data_of(recorded)["recordAttempt"] == {
        "status": "ABANDON_PROPOSED",
        "failuresInARow": 3,
        "abandonProposed": True,
        "attempt": {"result": "NO_ANSWER"},
        "nextContact": {"day": "2026-11-27"},
        "appointment": None,
    }
    assert json.loads(sent(fake_referral, "POST", f"/follow-ups/{ENTRY_ID}/attempts").content) == {
        "way": "phone",
        "result": "no_answer",
        "next_step": "try e-mail",
        "next_contact": {"day": "2026-11-28", "way": "email"},
    }
    verdict = await ask(
        gateway,
        "mutation($e: ID!) { recordVerdict(entryId: $e, verdict: PREMIUM) { status } }",
        Role.WEALTH_MANAGER,
        {"e": ENTRY_ID},
    )
    assert data_of(verdict)["recordVerdict"] == {"status": "CONVERTED"}
    refused = await ask(
        gateway,
        "mutation($e: ID!) { decideAbandon(entryId: $e, abandon: true) { status } }",
        Role.WEALTH_MANAGER,
        {"e": ENTRY_ID},
    )
    assert refused["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "reason": "abandon_not_proposed"}


async def test_another_wealth_managers_register_is_forbidden(gateway):
    body = await ask(
        gateway, '{ followUpRegister(wealthManagerId: "wealth_manager-2") { entryId } }', Role.WEALTH_MANAGER
    )
    assert error_code(body) == "FORBIDDEN" and body["data"]["followUpRegister"] is None


async def test_one_entry_comes_through_the_batch_read(gateway, fake_referral):
    body = await ask(
        gateway,
        "query($a: ID!, $b: ID!) { a: followUp(entryId: $a) { entryId } "
        "b: followUp(entryId: $b) { entryId } }",
        Role.BRANCH_HEAD,
        {"a": ENTRY_ID, "b": "e0e00000-0000-4000-8000-0000000000ff"},
    )
    assert body["data"] == {"a": {"entryId": ENTRY_ID}, "b": None}
    assert error_code(body) == "NOT_FOUND"
    [batch] = [c for c in fake_referral.calls if c.url.path == "/follow-ups"]
    assert sorted(batch.url.params.get_list("ids")) == sorted(
        [ENTRY_ID, "e0e00000-0000-4000-8000-0000000000ff"]
    )


# --- marketing manager ---------------------------------------------------------------------------


async def test_a_marketing_manager_records_a_seminar_and_hands_a_guest_over(gateway, fake_referral):
    recorded = await ask(
        gateway,
        """mutation { recordSeminar(seminar: {kind: SALON, day: "2026-11-20", topic: "养老规划",
            place: "网点二楼", attendees: [{customerId: "C000060",
            friends: [{prospect: {name: "李四", phone: "13900001111"}}]}]})
            { kind organisedBy topic participants { personId role handedTo referral { referralId } } } }""",
        Role.MARKETING_MANAGER,
    )
    activity = data_of(recorded)["recordSeminar"]
    assert (activity["kind"], activity["organisedBy"], activity["topic"]) == (
        "SALON",
        "marketing_manager-1",
        "养老规划",
    )
    assert activity["participants"][0]["referral"] == {"referralId": FORM_ID}
    assert json.loads(sent(fake_referral, "POST", "/seminars").content) == {
        "kind": "salon",
        "day": "2026-11-20",
        "topic": "养老规划",
        "place": "网点二楼",
        "attendees": [
            {"customer_id": "C000060", "friends": [{"prospect": {"name": "李四", "phone": "13900001111"}}]}
        ],
    }
    person = activity["participants"][0]["personId"]
    handed = await ask(
        gateway,
        """mutation($a: ID!, $p: ID!) { handOver(activityId: $a, personId: $p, handover: {
            wealthManagerId: "wealth_manager-2", contact: {at: "2026-11-26T09:00:00+08:00", way: VISIT}})
            { status source wealthManagerId contactWay contactAtLocal } }""",
        Role.MARKETING_MANAGER,
        {"a": ACTIVITY_ID, "p": person},
    )
    assert data_of(handed)["handOver"] == {
        "status": "PENDING",
        "source": "SEMINAR",
        "wealthManagerId": "wealth_manager-2",
        "contactWay": "VISIT",
        "contactAtLocal": "2026-11-26T09:00:00+08:00",
    }
    listed = await ask(
        gateway, "{ marketingActivities(period: WEEK, kind: SEMINAR) { activityId } }", Role.MARKETING_MANAGER
    )
    assert len(data_of(listed)["marketingActivities"]) == 1
    params = sent(fake_referral, "GET", "/branches/BR001/marketing-activities").url.params
    assert (params["period"], params["kind"]) == ("week", "seminar")


# --- branch management and head office -----------------------------------------------------------


async def test_the_branch_head_reads_counts_the_monthly_summary_and_the_access_log(gateway, fake_referral):
    body = await ask(
        gateway,
        """{ referralCounts(period: WEEK, day: "2026-11-24") { period firstDay lastDay
              counts { staffId filed } }
            referralMonthlySummary(month: "2026-10") { month issuedAtLocal counts { staffId sold } }
            registerAccessLog { entryId readBy readerRole readAtLocal via } }""",
        Role.BRANCH_HEAD,
    )
    data = data_of(body)
    assert data["referralCounts"] == {
        "period": "WEEK",
        "firstDay": "2026-11-23",
        "lastDay": "2026-11-29",
        "counts": [{"staffId": "teller-1", "filed": 3}],
    }
    assert data["referralMonthlySummary"]["issuedAtLocal"] == "2026-11-02T09:00:00+08:00"
    assert data["registerAccessLog"] == [
        {
            "entryId": ENTRY_ID,
            "readBy": "wealth_manager-1",
            "readerRole": "wealth_manager",
            "readAtLocal": "2026-11-24T11:00:00+08:00",
            "via": "entry",
        }
    ]
    params = sent(fake_referral, "GET", "/branches/BR001/referral-counts").url.params
    assert (params["period"], params["day"]) == ("week", "2026-11-24")
    missing = await ask(gateway, '{ referralMonthlySummary(month: "2026-09") { month } }', Role.BRANCH_HEAD)
    assert error_code(missing) == "NOT_FOUND"
    elsewhere = await ask(gateway, '{ referralCounts(branchId: "BR002") { branchId } }', Role.BRANCH_HEAD)
    assert error_code(elsewhere) == "FORBIDDEN"


async def test_head_office_reads_counts_across_branches_and_any_branchs(gateway, fake_referral):
    body = await ask(
        gateway,
        "{ branchReferralCounts(period: MONTH) { branchId period } "
        'referralCounts(branchId: "BR002") { branchId } }',
        Role.HEAD_OFFICE,
        branch="HO",
    )
    assert data_of(body) == {
        "branchReferralCounts": [{"branchId": "BR001", "period": "MONTH"}],
        "referralCounts": {"branchId": "BR002"},
    }
    assert sent(fake_referral, "GET", "/referral-counts").url.params["period"] == "month"


# --- errors, batches and a service that is down ---------------------------------------------------


async def test_a_customer_followed_up_lately_is_refused_with_the_services_words(gateway):
    body = await ask(
        gateway,
        f"""mutation {{ fileReferral(referral: {{customerId: "{FOLLOWED_UP}", status: REFERRED,
            wealthManagerId: "wealth_manager-1"}}) {{ referralId }} }}""",
        Role.TELLER,
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "followed_up_recently"}
    assert error["message"].startswith("A wealth manager already followed this customer up")
    assert "premium" not in error["message"].lower()


async def test_the_services_validation_names_the_field(gateway):
    body = await ask(
        gateway,
        'mutation { fileReferral(referral: {customerId: "C-BAD", status: PENDING, wealthManagerId: "w"}) '
        "{ referralId } }",
        Role.LOBBY_MANAGER,
    )
    [error] = body["errors"]
    assert (
        error["extensions"]["code"] == "BAD_USER_INPUT"
        and error["message"] == "contact: a pending referral needs a contact"
    )


async def test_a_form_id_that_is_not_a_uuid_is_refused_before_any_call(gateway, fake_referral):
    body = await ask(gateway, '{ referral(referralId: "../days") { referralId } }', Role.LOBBY_MANAGER)
    assert (
        error_code(body) == "BAD_USER_INPUT"
        and body["errors"][0]["message"] == "referralId“../days”不是 UUID"
    )
    assert fake_referral.calls == []


async def test_forms_asked_together_come_in_one_batch_and_each_refusal_stays_with_its_form(
    gateway, fake_referral
):
    body = await ask(
        gateway,
        """query($a: ID!, $b: ID!, $c: ID!) { a: referral(referralId: $a) { status }
            b: referral(referralId: $b) { status } c: referral(referralId: $c) { status } }""",
        Role.LOBBY_MANAGER,
        {"a": FORM_ID, "b": OTHER_FORM_ID, "c": FORBIDDEN_FORM_ID},
    )
    assert body["data"] == {"a": {"status": "REFERRED"}, "b": {"status": "PENDING"}, "c": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["c"], "FORBIDDEN")]
    assert fake_referral.paths().count("GET /referrals") == 1  # one batch; the one left out asked alone
    assert fake_referral.paths().count(f"GET /referrals/{FORBIDDEN_FORM_ID}") == 1


async def test_referral_down_is_partial_data_not_a_failure(gateway, fake_referral):
    fake_referral.down = True
    body = await ask(
        gateway, "{ me { staffId } lobbyList { customerId } referralDay { day } }", Role.LOBBY_MANAGER
    )
    assert body["data"]["me"] == {"staffId": "lobby_manager-1"}
    assert body["data"]["lobbyList"] == [{"customerId": "C1"}]
    assert body["data"]["referralDay"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE" and "referral 服务不可用" in error["message"]


@pytest.mark.parametrize(
    ("language", "lobby", "head", "day"),
    [
        (None, "已结束跟进", "非优质客户", "营业中"),
        ("en", "Follow-up closed", "Not a premium customer", "Open"),
    ],
)
async def test_a_forms_codes_come_with_their_labels_in_the_callers_language(
    gateway, fake_referral, language, lobby, head, day
):
    """The lobby's label of a closed follow-up says no more than its code (CLOSED)."""
    query = '{ referralDay(day: "2026-11-24") { status statusLabel done { result resultLabel } } }'
    seen_by_lobby = data_of(await ask(gateway, query, Role.LOBBY_MANAGER, language=language))["referralDay"]
    seen_by_head = data_of(await ask(gateway, query, Role.BRANCH_HEAD, language=language))["referralDay"]
    assert seen_by_lobby["done"] == [{"result": "CLOSED", "resultLabel": lobby}]
    assert seen_by_head["done"] == [{"result": "NOT_PREMIUM", "resultLabel": head}]
    assert seen_by_lobby["statusLabel"] == day
    asked = {call.headers["accept-language"] for call in fake_referral.calls}
    assert asked == {"en" if language else "zh-CN"}  # the service was asked in the caller's language

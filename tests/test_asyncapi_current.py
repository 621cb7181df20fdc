"""The committed AsyncAPI documents are what FastStream generates from the code today."""

import yaml

from branchflow_devstack.asyncapi import SERVICES, committed_path, generate, stale_documents


def test_committed_asyncapi_documents_are_current():
    assert stale_documents() == [], "run `make asyncapi` and commit the result"


def test_identify_document_names_its_channels_and_payloads():
    doc = yaml.safe_load(generate("identify"))
    assert doc["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in doc["channels"].values()}
    consumed = {"core.transaction-posted", "customer.judged-not-premium", "customer.referred"}
    assert {"customer.identified", "customer.rerated", "customer.prospect-linked"} | consumed == addresses
    schemas = str(doc["components"]["schemas"])
    assert all(name in schemas for name in ("CustomerIdentified", "CustomerJudgedNotPremium"))
    assert set(SERVICES) == {p.parent.name for p in map(committed_path, SERVICES)}


def test_referral_document_names_every_event_it_publishes_and_what_it_consumes():
    from branchflow_contracts import REFERRAL_EVENTS

    doc = yaml.safe_load(generate("referral"))
    addresses = {channel["address"] for channel in doc["channels"].values()}
    consumed = {"customer.identified", "customer.rerated", "customer.prospect-linked"}
    assert {str(contract.topic) for contract in REFERRAL_EVENTS} | consumed == addresses
    schemas = str(doc["components"]["schemas"])
    assert all(contract.__name__ in schemas for contract in REFERRAL_EVENTS)

"""The access policy's own rules; tests/access runs it against every API and schema."""

import pytest

from branchflow_runtime import access
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Role, Staff


def staff(role: Role, branch: str = "BR001", staff_id: str = "s-1") -> Staff:
    return Staff(staff_id=staff_id, role=role, branch_id=branch)


def test_every_role_has_its_grants_written_down():
    assert set(access.READ) == set(Role) == set(access.DO)


@pytest.mark.parametrize("role", [Role.LOBBY_MANAGER, Role.TELLER])
def test_lobby_and_counter_read_guidance_and_masked_names_nothing_else_about_the_customer(role):
    assert {Data.GUIDANCE, Data.IDENTIFICATION, Data.PERSONAL_DATA} <= access.readable(role)
    assert not access.readable(role) & (access.CUSTOMER_DATA - {Data.PERSONAL_DATA})
    assert not access.readable(role) & {Data.REGISTER, Data.APPRAISAL, Data.COUNTS}
    assert not access.may_unmask(staff(role), branch_id="BR001", owner_id=None)


def test_ops_follow_flows_and_learn_nothing_about_customers():
    assert access.readable(Role.OPS) == {Data.IDENTIFICATION, Data.TRACE}
    assert access.may_read(staff(Role.OPS, "HO"), Data.TRACE, branch_id="BR042")


def test_a_branch_grant_stops_at_the_branch():
    head = staff(Role.BRANCH_HEAD)
    assert access.may_read(head, Data.TIER, branch_id="BR001")
    assert not access.may_read(head, Data.TIER, branch_id="BR002")
    assert access.may_read(staff(Role.HEAD_OFFICE, "HO"), Data.TIER, branch_id="BR002")


def test_personal_data_unmasked_only_for_the_owning_wealth_manager():
    owner = staff(Role.WEALTH_MANAGER, staff_id="wm-1")
    colleague = staff(Role.WEALTH_MANAGER, staff_id="wm-2")
    for reader, expected in [
        (owner, True),
        (colleague, False),
        (staff(Role.BRANCH_HEAD), False),
        (staff(Role.HEAD_OFFICE, "HO"), False),
        (staff(Role.TELLER, staff_id="wm-1"), False),
    ]:
        assert access.may_unmask(reader, branch_id="BR001", owner_id="wm-1") is expected
    assert not access.may_unmask(owner, branch_id="BR002", owner_id="wm-1")
    assert not access.may_unmask(owner, branch_id="BR001", owner_id=None)


def test_missing_records_are_404_only_for_those_who_reach_every_branch():
    assert access.reaches_every_branch(staff(Role.HEAD_OFFICE, "HO"), Data.TIER)
    assert access.reaches_every_branch(staff(Role.OPS, "HO"), Data.IDENTIFICATION)
    assert not access.reaches_every_branch(staff(Role.BRANCH_HEAD), Data.TIER)


def test_actions_hold_branch_scope():
    teller = staff(Role.TELLER)
    assert access.may_do(teller, Action.RECORD_OBSERVATION, branch_id="BR001")
    assert not access.may_do(teller, Action.RECORD_OBSERVATION, branch_id="BR002")
    assert not access.may_do(teller, Action.WRITE_FACTS, branch_id="BR001")
    assert access.may_do(staff(Role.HEAD_OFFICE, "HO"), Action.WRITE_FACTS, branch_id="BR009")


def test_the_register_is_read_by_its_owner_the_branch_heads_and_head_office_only():
    """严禁泄漏: the follow-up register is confidential."""
    assert access.roles_reading(Data.REGISTER) == {
        Role.WEALTH_MANAGER,
        Role.DEPUTY_BRANCH_HEAD,
        Role.BRANCH_HEAD,
        Role.HEAD_OFFICE,
    }
    owner, colleague = (
        staff(Role.WEALTH_MANAGER, staff_id="wm-1"),
        staff(Role.WEALTH_MANAGER, staff_id="wm-2"),
    )
    assert access.may_read(owner, Data.REGISTER, branch_id="BR001", owner_id="wm-1")
    assert not access.may_read(colleague, Data.REGISTER, branch_id="BR001", owner_id="wm-1")
    assert access.roles_reading(Data.REGISTER_ACCESS_LOG) == {Role.BRANCH_HEAD, Role.HEAD_OFFICE}


def test_a_form_is_read_by_either_of_its_owners():
    teller = staff(Role.TELLER, staff_id="tl-1")
    assert access.may_read(teller, Data.REFERRALS, branch_id="BR001", owner_id=("tl-1", "wm-9"))
    assert not access.may_read(teller, Data.REFERRALS, branch_id="BR001", owner_id=("tl-2", "wm-9"))

"""Readings of the portal checked against the policy's own words, article by article."""

import pytest


def test_g12_a_principal_on_the_department_list_is_one_of_the_managers(judge):
    # 第三条（二）12: the 法定代表人 or 主要负责人 of a listed 四上 enterprise is one of its 中高层管理人员.
    result = judge({"enterprise": {"role": "principal", "key_above_scale": True, "on_department_list": True}})
    assert (result["tier"], result["criteria"]) == ("gold", ["G12"])
    assert result["evidence"][-3:] == ["role_proof", "department_list_proof", "above_scale_proof"]


@pytest.mark.parametrize("role", ["project_leader", "none"])
def test_g12_other_roles_still_do_not_count(judge, role):
    # 第三条（二）12 names the 中高层管理人员 only.
    result = judge({"enterprise": {"role": role, "key_above_scale": True, "on_department_list": True}})
    assert result["criteria"] == []


@pytest.mark.parametrize(
    ("honour", "evidence"),
    [
        ("state_council_special_allowance", "special_allowance_certificate"),
        ("national_major_talent_program", "talent_program_certificate"),
    ],
)
def test_d02_each_honour_asks_for_its_own_certificate(judge, honour, evidence):
    # 申领指南 五（二）1: the 国务院特殊津贴专家 proves it with the 特殊津贴证书, the programme with its certificate.
    result = judge({"honours": [honour]})
    assert (result["criteria"], result["evidence"][7:]) == (["D02"], [evidence])


def test_d02_holding_both_asks_for_both_certificates(judge):
    # 申领指南 五（二）1: every honour claimed is proved.
    result = judge({"honours": ["state_council_special_allowance", "national_major_talent_program"]})
    assert result["evidence"][7:] == ["talent_program_certificate", "special_allowance_certificate"]

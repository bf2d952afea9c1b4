"""The application form speaks of the policy in the policy's own words."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "label"),
    [
        # 第三条: 申领人所在单位应为在白云区注册或纳税的单位，本辖区内教学、医疗、科研机构.
        ("employer__institution_in_district", "所在单位为本辖区内的教学、医疗、科研机构"),
        # 第七条: 区属事业单位、国有企业等享受区财政拨款人员原则上不予申请.
        ("employer__district_fiscal_funded", "本人为区属事业单位、国有企业等享受区财政拨款人员"),
        # 第三条（二）12: 上一年度经济贡献总额 of the enterprise, not of the applicant.
        ("enterprise__economic_contribution_yuan", "企业上一年度经济贡献总额（元）"),
    ],
)
def test_the_eligibility_step_uses_the_policy_words(client, draft, field, label):
    response = client.get(reverse("applications:edit", kwargs={"pk": draft.pk, "step": "eligibility"}))
    assert str(response.context["form"][field].label) == label
    assert f'<label for="id_{field}">{label}' in response.text

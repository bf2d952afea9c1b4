"""The application form speaks of the policy in the policy's own words."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "label", "markup"),
    [
        # 第三条: 申领人所在单位应为在白云区注册或纳税的单位，本辖区内教学、医疗、科研机构.
        ("employer__institution_in_district", "您所在单位是否为本辖区内教学、医疗、科研机构？", "legend"),
        # 第七条: 区属事业单位、国有企业等享受区财政拨款人员原则上不予申请.
        ("employer__district_fiscal_funded", "您是否为区属事业单位、国有企业等享受区财政拨款人员？", "legend"),
        # 第三条（二）12: 上一年度经济贡献总额 of the enterprise, not of the applicant.
        ("enterprise__economic_contribution_yuan", "企业上一年度经济贡献总额", "label"),
    ],
)
def test_the_eligibility_step_uses_the_policy_words(client, draft, field, label, markup):
    response = client.get(reverse("applications:edit", kwargs={"pk": draft.pk, "step": "eligibility"}))
    assert str(response.context["form"][field].label) == label
    opening = "<legend>" if markup == "legend" else f'<label for="id_{field}">'
    assert f"{opening}{label}</{markup}>" in response.text


@pytest.mark.parametrize(
    ("path", "value", "label"),
    [
        # 第三条（三）3: 双一流大学（A类和B类）, 全球前500名的境外一流大学.
        ("education.university", "double_first_class", "双一流大学（A类和B类）"),
        ("education.university", "global_top500_overseas", "全球前500名的境外一流大学"),
    ],
)
def test_the_form_and_the_self_check_word_each_choice_alike(path, value, label):
    from applications.forms import EligibilityForm
    from eligibility.forms import SelfCheckPageForm
    from eligibility.selfcheck import Page

    name = path.replace(".", "__")
    in_form = dict(EligibilityForm(matched=[]).fields[name].choices)[value]
    in_self_check = dict(SelfCheckPageForm(page=Page("p", "", paths=(path,))).fields[name].choices)[value]
    assert (str(in_form), str(in_self_check)) == (label, label)


def test_the_form_and_the_self_check_ask_every_field_in_the_same_words():
    from applications.forms import EligibilityForm
    from eligibility.fields import REGISTRY
    from eligibility.forms import SelfCheckPageForm
    from eligibility.selfcheck import Page

    form = EligibilityForm(matched=[])
    for field in REGISTRY:
        name = field.path.replace(".", "__")
        asked = SelfCheckPageForm(page=Page("p", "", paths=(field.path,))).fields[name].label
        assert str(form.fields[name].label) == str(asked), field.path

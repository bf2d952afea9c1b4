"""The project's form renderer: no ASCII colon after a label, and a check box on its label's line."""

import re

from django import forms
from django.utils import translation

from applications.forms import DeclarationForm


class ChineseForm(forms.Form):
    registered = forms.ChoiceField(label="您所在单位是否在白云区注册？", choices=[("yes", "是"), ("no", "否")])
    name = forms.CharField(label="姓名")


def test_labels_take_no_ascii_colon_in_either_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(ChineseForm())
        assert '<label for="id_registered">您所在单位是否在白云区注册？</label>' in html
        assert '<label for="id_name">姓名</label>' in html
        assert not re.search(r"[：:]</label>", html)


def test_a_check_box_sits_before_its_label_on_one_row():
    with translation.override("zh-hans"):
        html = DeclarationForm()["declaration"].as_field_group()
    row = re.search(r'<div class="checkbox-row">(.*?)</div>', html, re.S)
    assert row is not None
    assert re.fullmatch(
        r'<input type="checkbox"[^>]*id="id_declaration"[^>]*><label for="id_declaration">[^<]+</label>', row.group(1)
    )

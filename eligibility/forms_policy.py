"""The talent office's forms for policy versions (admin): upload a file, publish a draft, extend a version."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# A policy file is text of some tens of kilobytes; anything far larger is not one.
POLICY_FILE_MAX_BYTES = 1024 * 1024


class PolicyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Policy file (YAML)"),
        help_text=_("The same format as the shipped version's file; it is kept as a draft until published."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > POLICY_FILE_MAX_BYTES:
            raise forms.ValidationError(_("A policy file is at most 1 MB; this one is larger."))
        return upload


class PolicyPublishForm(forms.Form):
    in_force_from = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the version is signed or later; it ends after its validity years (Art. 9)."),
    )


class PolicyExtendForm(forms.Form):
    code = forms.ChoiceField(label=_("Version to extend"))
    new_code = forms.RegexField(
        label=_("Code of the successor"),
        regex=r"^[a-z][a-z0-9-]*$",
        max_length=40,
        error_messages={"invalid": _("Lower-case letters, digits and hyphens, starting with a letter.")},
    )
    in_force_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    validity_years = forms.IntegerField(label=_("Validity in years"), min_value=1, max_value=10, initial=5)
    document_number = forms.CharField(label=_("Document number of the decision"), max_length=100, required=False)

    def __init__(self, *args, codes: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(code, code) for code in codes]

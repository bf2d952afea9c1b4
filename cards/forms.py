from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    """The public verification page: the text of a card's QR code (its address) or the bare token."""

    token = forms.CharField(
        label=_("Text of the QR code"),
        label_suffix="",
        help_text=_("Scan the card's QR code, or paste the address it holds or the token beginning with BYTC1:."),
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
        error_messages={"required": _("Paste the text of the card's QR code, or scan it.")},
    )

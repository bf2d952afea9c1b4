"""Forms of the card's management: termination, the department's proposal, and the mid-term assessment's steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cards.models import CardState, Rating, TerminationReason
from cards.selectors import RegisterFilters


class TerminationForm(forms.Form):
    """第六条: the HR bureau ends a card's services, citing the clause."""

    reason = forms.ChoiceField(label=_("Reason (Art. 6)"), choices=TerminationReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note for the record"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the card's history for the district; never shown to verifiers."),
    )


class ProposalForm(forms.Form):
    """第六条（一）: the industry department's proposal to end a card."""

    opinion = forms.CharField(
        label=_("Department's opinion"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the holder no longer meets the criteria (a change of post or of employer, for example)."),
    )


def _text(label, rows: int) -> forms.CharField:
    return forms.CharField(label=label, max_length=4000, widget=forms.Textarea(attrs={"rows": rows}))


class MidtermReportForm(forms.Form):
    performance = forms.CharField(
        label=_("Work performance"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    ability = forms.CharField(
        label=_("Professional ability"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    report = forms.FileField(
        label=_("Signed and stamped report (optional)"),
        required=False,
        help_text=_("PDF, JPG, PNG, GIF, DOC or DOCX, recognised by its content."),
    )


class MidtermOpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Department's opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MidtermRecordForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the record"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Card number or holder's name"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from applications.models import Tier

        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["state"].choices = [*everything, *CardState.choices]
        self.fields["tier"].choices = [*everything, *Tier.choices]

    def filters(self) -> RegisterFilters:
        if not self.is_bound or not self.is_valid():
            return RegisterFilters()
        data = self.cleaned_data
        return RegisterFilters(search=data["q"].strip(), state=data["state"], tier=data["tier"])


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

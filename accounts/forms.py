from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import mobile_normalise

# Mainland mobile numbers, or an international number for applicants from abroad.


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username, mobile or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class RegistrationForm(BaseUserCreationForm):
    """An applicant's account: real name, mobile and e-mail, each verified; AUTH_PASSWORD_VALIDATORS apply."""

    full_name = forms.CharField(
        label=_("Real name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    mobile = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("A code will be sent to it by SMS."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("A code will be sent to it."),
    )

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "mobile", "email")

    def clean_mobile(self) -> str:
        mobile = mobile_normalise(self.cleaned_data["mobile"])
        if User.objects.filter(mobile=mobile).exists():
            raise ValidationError(_("An account with this mobile number already exists; log in instead."), code="taken")
        return mobile

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this e-mail address already exists; log in instead."), code="taken"
            )
        return email


class VerificationForm(forms.Form):
    email = forms.CharField(
        label=_("Code sent to your e-mail"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    mobile = forms.CharField(
        label=_("Code sent to your mobile by SMS"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import registration_pending
from accounts.validators import mobile_normalise


class LoginForm(AuthenticationForm):
    """The portal's login. Failures are counted and accounts locked by django-axes (settings: AXES_*).

    A new account whose codes were never confirmed is not a failure: `awaiting_verification` names it, so that the
    login page can send its owner on to the confirmation.
    """

    username = forms.CharField(
        label=_("Username, mobile or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _("Your account is not confirmed yet: enter the codes sent to your e-mail and mobile."),
    }
    awaiting_verification = None

    def confirm_login_allowed(self, user: User) -> None:
        if user.is_active:
            return
        if registration_pending(user=user):
            self.awaiting_verification = user
            raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
        raise self.get_invalid_login_error()


class RegistrationForm(BaseUserCreationForm):
    """An applicant's account: real name, mobile and e-mail, each verified; AUTH_PASSWORD_VALIDATORS apply.

    It never says whether an e-mail or mobile already has an account (an outsider could learn who is registered):
    the codes go out either way, and only their holder learns it at the confirmation. Applicants sign in with their
    mobile or e-mail; the username is made for them.
    """

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
        fields = ("full_name", "mobile", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One plain sentence for the validators of settings.AUTH_PASSWORD_VALIDATORS, instead of Django's list.
        self.fields["password1"].help_text = _(
            "At least 10 characters, not only digits, not a common password and not close to your name or e-mail."
        )
        self.fields["password2"].help_text = _("Type the same password again.")

    def clean_mobile(self) -> str:
        return mobile_normalise(self.cleaned_data["mobile"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


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

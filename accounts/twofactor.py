"""Second factor (TOTP) for the reviewing roles: enrolment, verification after the password, and enforcement."""

import base64
import io
from collections.abc import Callable

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import REVIEWER_ROLES, Role

# Roles that decide on applications or read all of them sign in with a second factor.
SECOND_FACTOR_ROLES = REVIEWER_ROLES | {Role.AUDITOR}
ENROLLED_SESSION_KEY = "second_factor_enrolled"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6-digit code shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


def needs_second_factor(user) -> bool:
    return user.is_authenticated and bool(user.role_codes & SECOND_FACTOR_ROLES)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    output = io.BytesIO()
    image.save(output)
    return "data:image/svg+xml;base64," + base64.b64encode(output.getvalue()).decode()


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrols an authenticator app: a new secret shown as a QR code, confirmed by one code from the app."""
    if not needs_second_factor(request.user):
        return redirect("home")
    if user_has_device(request.user):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[ENROLLED_SESSION_KEY] = True
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the time on your phone and try the newest code."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": secret, "next": _next_url(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Asks for the current code of the enrolled authenticator after the password."""
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed_devices = [device for device in devices if device.verify_is_allowed()[0]]
        for device in allowed_devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        if allowed_devices:
            form.add_error("token", _("This code is not right. Try the newest code of your authenticator app."))
        else:
            form.add_error("token", _("Too many wrong codes in a row. Wait a little, then try the newest code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


urlpatterns = [
    path("2fa/setup/", setup, name="otp_setup"),
    path("2fa/verify/", verify, name="otp_verify"),
]


class SecondFactorMiddleware:
    """Reviewers who enrolled must give their code; with REQUIRE_STAFF_2FA every reviewer must enrol first."""

    EXEMPT_NAMES = frozenset({"otp_setup", "otp_verify", "logout", "set_language"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if needs_second_factor(user) and not user.is_verified() and not self._exempt(request):
            enrolled = self._enrolled(request)
            if enrolled or settings.REQUIRE_STAFF_2FA:
                target = "accounts:otp_verify" if enrolled else "accounts:otp_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _enrolled(request: HttpRequest) -> bool:
        """Whether the user has a confirmed device, looked up once per session rather than on every page."""
        enrolled = request.session.get(ENROLLED_SESSION_KEY)
        if enrolled is None:
            enrolled = user_has_device(request.user)
            request.session[ENROLLED_SESSION_KEY] = enrolled
        return enrolled

    def _exempt(self, request: HttpRequest) -> bool:
        match = request.resolver_match
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return True
        return match.url_name in self.EXEMPT_NAMES or request.path_info.startswith(settings.STATIC_URL)

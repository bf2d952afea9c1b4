"""Second factor (TOTP) for the reviewing roles: enrolment, verification after the password, and enforcement."""

import base64
import io
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.roles import REVIEWER_ROLES, Role

# Roles that decide on applications or read all of them sign in with a second factor.
SECOND_FACTOR_ROLES = REVIEWER_ROLES | {Role.AUDITOR}
ENROLLED_SESSION_KEY = "second_factor_enrolled"
SETUP_KEY_SESSION_KEY = "second_factor_setup_key"


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
    """Reviewers, auditors and the admin's staff (who can grant any role) sign in with a second factor."""
    return user.is_authenticated and (user.is_staff or bool(user.role_codes & SECOND_FACTOR_ROLES))


def _qr_data_uri(text: str) -> str:
    import qrcode.image.svg  # here: it costs every process that starts otherwise (bench/startup.py)

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
    """Enrols an authenticator app: a secret new to this session, shown as a QR code, confirmed by one code from it."""
    if not needs_second_factor(request.user):
        return redirect("home")
    if user_has_device(request.user):
        return redirect("accounts:otp_verify")
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if key is None:
        # Kept in this session only: nobody else who signs in as the user can read it or confirm it.
        key = request.session[SETUP_KEY_SESSION_KEY] = random_hex(20)
    device = TOTPDevice(user=request.user, name="authenticator", key=key, confirmed=True)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_enrol(request=request, device=device, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the time on your phone and try the newest code."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": secret, "next": _next_url(request)},
    )


def second_factor_enrol(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Saves the unsaved `device` when `token` is its current code; every other session of the user ends.

    A session opened before the enrolment (perhaps by someone who knew only the password) must not keep the access
    that now takes a code: raising the user's session generation changes the session hash that Django checks.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not totp.verify(int(token), device.tolerance):
        return False
    user = request.user
    device.last_t = totp.t()  # the code just used is spent
    device.drift = totp.drift
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    user.session_generation += 1
    user.save(update_fields=["session_generation"])
    update_session_auth_hash(request, user)
    otp_login(request, device)
    request.session.pop(SETUP_KEY_SESSION_KEY, None)
    request.session[ENROLLED_SESSION_KEY] = True
    return True


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

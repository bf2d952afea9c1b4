from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language
from django_ratelimit.core import is_ratelimited

from accounts.forms import LoginForm, RegistrationForm, VerificationForm
from accounts.models import User
from accounts.navigation import role_home_url
from accounts.roles import Role
from accounts.selectors import login_failures_recent, workspace_for
from accounts.services import access_log_record, user_language_set
from accounts.verification import (
    VerificationError,
    applicant_register,
    verification_confirm,
    verification_messages_for,
    verification_resend,
)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Sends a signed-in user to the home page of their first role."""
    roles = request.user.roles
    if not roles:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(role_home_url(roles[0]))


@login_required
@require_GET
def workspace(request: HttpRequest, role: str) -> HttpResponse:
    """A role's home: its organisation, its duties and where to do them."""
    if role not in Role.values or not request.user.has_role(Role(role)):
        raise Http404
    if role == Role.SERVICE_DESK:
        # A desk works on its own page: check a card, record a use, confirm bookings.
        return redirect(role_home_url(Role.SERVICE_DESK))
    return render(request, "accounts/workspace.html", workspace_for(user=request.user, role=Role(role)))


@login_required
@require_GET
def lockouts(request: HttpRequest) -> HttpResponse:
    """The auditor's read-only list of failed logins and locked accounts; the read is logged like every other."""
    if not request.user.has_role(Role.AUDITOR):
        raise Http404
    access_log_record(user=request.user, action="view_lockouts", obj=request.user, role=Role.AUDITOR.value)
    context = {
        "attempts": login_failures_recent(),
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60,
    }
    return render(request, "accounts/lockouts.html", context)


# Registration of applicants -----------------------------------------------------------------------------------

PENDING_USER = "registration_user_id"
# Where the person was going when they chose to register (a page that asked them to log in): they land there.
PENDING_NEXT = "registration_next"


def _safe_next(request: HttpRequest, value: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if value and allowed else ""


class PortalLoginView(auth_views.LoginView):
    """The login page; the owner of a new account not yet confirmed is sent on to confirm it."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form) -> HttpResponse:
        if form.awaiting_verification is not None:
            self.request.session[PENDING_USER] = form.awaiting_verification.pk
            messages.info(self.request, form.errors["__all__"][0])
            return redirect("accounts:verify")
        return super().form_invalid(form)

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            # A language chosen before signing in is the person's choice: their notices follow it.
            user_language_set(user=user, language=chosen)
            return response
        # Otherwise the portal speaks the account's language from the moment they sign in, on any device.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in person's choice is also kept on their account for their notices."""
    response = set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


def login_locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a locked account's login answers, on the portal and the admin alike (django-axes' lockout callable)."""
    minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _messages_limited(request: HttpRequest, *, destinations: list[str], group: str) -> bool:
    """Counts one sign-up (or resend) of the client address and one message to each destination; True when over.

    An SMS costs money and a flood of codes harms the people who receive them: per address and per destination.
    """
    by_address = is_ratelimited(
        request, group=group, key="ip", rate=settings.REGISTRATION_RATE_PER_ADDRESS, increment=True
    )
    by_destination = [
        is_ratelimited(
            request,
            group="verification-destination",
            key=lambda _group, _request, destination=destination: destination.lower(),
            rate=settings.REGISTRATION_RATE_PER_DESTINATION,
            increment=True,
        )
        for destination in destinations
    ]
    return by_address or any(by_destination)


TOO_MANY_MESSAGES = _(
    "Too many sign-ups or codes from your network or to this e-mail address or mobile. Try again in an hour."
)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """An applicant creates an account; it works once the codes sent to the e-mail and mobile are confirmed."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST" and form.is_valid():
        destinations = [form.cleaned_data["email"], form.cleaned_data["mobile"]]
        if _messages_limited(request, destinations=destinations, group="registration"):
            form.add_error(None, TOO_MANY_MESSAGES)
            return render(request, "accounts/register.html", {"form": form, "next": next_url}, status=429)
        user = applicant_register(
            full_name=form.cleaned_data["full_name"],
            mobile=form.cleaned_data["mobile"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=get_language(),
        )
        request.session[PENDING_USER] = user.pk
        if next_url:
            request.session[PENDING_NEXT] = next_url
        return redirect("accounts:verify")
    return render(request, "accounts/register.html", {"form": form, "next": next_url})


def _pending_user(request: HttpRequest) -> User:
    user = User.objects.filter(pk=request.session.get(PENDING_USER), is_active=False).first()
    if user is None:
        raise Http404
    return user


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Confirms the codes of a new account, then signs the applicant in."""
    user = _pending_user(request)
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification_confirm(user=user, codes=form.cleaned_data)
        except VerificationError as error:
            for field, messages_ in error.errors.items():
                for message in messages_:
                    form.add_error(field, message)
        else:
            del request.session[PENDING_USER]
            next_url = _safe_next(request, request.session.pop(PENDING_NEXT, ""))
            login(request, user, backend="accounts.backends.UsernameMobileEmailBackend")
            messages.success(request, _("Your account is ready. Welcome!"))
            return redirect(next_url or "home")
    context = {
        "form": form,
        "pending": user,
        # The demo has no SMS gateway or mailbox: show what the default sender kept.
        "demo_messages": verification_messages_for(user=user) if settings.DEBUG else [],
    }
    return render(request, "accounts/verify.html", context)


@require_POST
def verify_resend(request: HttpRequest) -> HttpResponse:
    """Sends new codes to a new account (at most once a minute)."""
    user = _pending_user(request)
    if _messages_limited(request, destinations=[user.email, user.mobile], group="verification-resend"):
        messages.error(request, TOO_MANY_MESSAGES)
        return redirect("accounts:verify")
    try:
        verification_resend(user=user)
    except VerificationError as error:
        for message in error.errors[None]:
            messages.error(request, message)
    else:
        messages.success(request, _("New codes have been sent."))
    return redirect("accounts:verify")

"""The invited person's pages: the one-time link, what the employer stated with the consent, the decline, and the
person's invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from applications.services import today_local
from baiyun_talent.i18n import chinese_active
from eligibility.selectors import policy_latest
from rosters.columns import COLUMNS
from rosters.forms import ConsentForm
from rosters.models import Invitation
from rosters.selectors import (
    invitations_of_person,
)
from rosters.services import (
    InvitationError,
    invitation_apply,
    invitation_consent,
    invitation_decline,
    invitation_for_token,
    invitation_of_person,
    invitation_open,
    invitation_statement,
)


@require_http_methods(["GET", "POST"])
def invitation_open_view(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link. Anyone may see that it is valid (nothing personal); a signed-in applicant spends it."""
    try:
        invitation = invitation_for_token(token=token)
    except InvitationError as error:
        return render(request, "rosters/invitation_refused.html", {"reason": str(error)}, status=410)
    if not request.user.is_authenticated:
        return render(request, "rosters/invitation_welcome.html", {"invitation": invitation, "next": request.path})
    if request.method == "POST":
        try:
            invitation = invitation_open(token=token, person=request.user)
        except InvitationError as error:
            return render(request, "rosters/invitation_refused.html", {"reason": str(error)}, status=403)
        return redirect("rosters:invitation", pk=invitation.pk)
    return render(request, "rosters/invitation_welcome.html", {"invitation": invitation, "next": request.path})


def _invitation_or_404(request: HttpRequest, pk: int) -> Invitation:
    try:
        return invitation_of_person(invitation_id=pk, person=request.user)
    except Invitation.DoesNotExist:
        raise Http404 from None


def consent_texts(invitation: Invitation) -> dict[str, str]:
    """What the person consents to, in their language: recorded exactly as shown (PIPL 第十四条、第十七条)."""
    employer = invitation.employer.display_name
    english = not chinese_active()
    data = (", " if english else "、").join(column.heading(english=english) for column in COLUMNS)
    return {
        "purpose": _(
            "To fill in your application for the Baiyun Talent Card (云聚英才卡) with what your employer %(employer)s "
            "stated, and to review that application."
        )
        % {"employer": employer},
        "data": data,
        "recipients": _(
            "Your employer (who stated it); the industry department, the district human resources bureau and the "
            "district talent office, who review applications; the auditor. Nobody else."
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """What the employer stated, to be corrected and consented to, then the application or a decline."""
    invitation = _invitation_or_404(request, pk)
    policy = policy_latest(on_date=today_local())
    statement = invitation_statement(invitation)
    texts = consent_texts(invitation)
    form = ConsentForm(request.POST or None, statement=statement, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_consent(invitation_id=invitation.pk, person=request.user, corrected=form.statement(), **texts)
            application = invitation_apply(invitation_id=invitation.pk, person=request.user)
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your application has been filled in with what you confirmed."))
            return redirect("applications:edit", pk=application.pk, step="identity")
    context = {
        "invitation": invitation,
        "form": form,
        "texts": texts,
        "masked_document_number": invitation.row.masked_document_number,
        "consents": list(invitation.consents.all()),
    }
    return render(request, "rosters/invitation.html", context)


@login_required
@require_POST
def invitation_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_or_404(request, pk)
    try:
        invitation_decline(invitation_id=invitation.pk, person=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
        return redirect("rosters:invitation", pk=pk)
    messages.success(request, _("You declined the invitation. You will not be invited again from a roster this year."))
    return redirect("rosters:mine")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The person's invitations."""
    if not request.user.has_role(Role.APPLICANT):
        raise Http404
    return render(request, "rosters/mine.html", {"invitations": invitations_of_person(user=request.user)})

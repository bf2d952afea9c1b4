"""The card's pages: the holder's card with its history and notices, the credential, the wallet; the district's view
of the same card with the actions it may take."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.roles import Role
from accounts.services import access_log_record
from applications.services import AlreadyHandled, NotAllowed, application_transition
from applications.workflow import State
from cards import tasks
from cards.models import Card
from cards.rules import (
    card_actions_for,
    is_holder,
    may_download_credential,
    may_open_wallet,
    may_see_personal_data,
)
from cards.selectors import card_for_page, card_holder_notice, cards_of_holder, cards_visible_to
from cards.wallet import WALLET_TOKEN_LIFETIME, WalletCode, wallet_code_for

ROLE_LABELS = dict(Role.choices)
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def _acting_role(user: User) -> str:
    return next((role.value for role in user.roles if role != Role.APPLICANT), "")


def _card_or_404(request: HttpRequest, pk: int) -> Card:
    try:
        return card_for_page(user=request.user, card_id=pk)
    except Card.DoesNotExist:
        raise Http404 from None


def _log_personal_data(request: HttpRequest, *, action: str, card: Card) -> None:
    # Like every download of personal data: logged unless it is the holder's own.
    if not is_holder(request.user, card):
        access_log_record(user=request.user, action=action, obj=card, role=_acting_role(request.user))


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的云聚英才卡: the holder's newest card, or what to expect before one is issued."""
    if not request.user.has_role(Role.APPLICANT):
        raise Http404
    cards = cards_of_holder(user=request.user)
    if cards:
        return redirect("cards:detail", pk=cards[0].pk)
    return render(request, "cards/none.html")


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One card: its face, state, history and the notices of its issue; the actions the user may take."""
    card = _card_or_404(request, pk)
    if request.user.has_role(Role.AUDITOR):
        # workflow.md: the auditor reads everything, and every read is logged.
        access_log_record(user=request.user, action="view", obj=card, role=Role.AUDITOR.value)
    holder = is_holder(request.user, card)
    context = {
        "card": card,
        "is_holder": holder,
        "show_photo": may_see_personal_data(request.user, card) and card.photo_id is not None,
        "may_download": may_download_credential(request.user, card),
        "may_open_wallet": may_open_wallet(request.user, card) and card.valid_on(timezone.localdate()),
        "actions": card_actions_for(request.user, card),
        "events": [(event, ROLE_LABELS.get(event.actor_role, "")) for event in card.events.all()],
        "notices": list(card.notices.all()),
        "holder_notice": card_holder_notice(card=card),
        "other_cards": [other for other in cards_of_holder(user=request.user) if other.pk != card.pk] if holder else [],
    }
    return render(request, "cards/detail.html", context)


@login_required
@require_GET
def credential(request: HttpRequest, pk: int) -> FileResponse:
    """The credential PDF, streamed from private storage to those who may have it."""
    card = _card_or_404(request, pk)
    if not may_download_credential(request.user, card):
        raise Http404
    try:
        file = default_storage.open(card.credential.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    _log_personal_data(request, action="download", card=card)
    response = FileResponse(file, as_attachment=True, filename=f"{card.number}.pdf", content_type="application/pdf")
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """The card's photo (the application's 证件照) for the card face on its pages."""
    card = _card_or_404(request, pk)
    if card.photo is None or not may_see_personal_data(request.user, card):
        raise Http404
    try:
        file = default_storage.open(card.photo.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    _log_personal_data(request, action="view_photo", card=card)
    response = FileResponse(file, content_type=card.photo.content_type)
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response


def _wallet_card(request: HttpRequest, pk: int) -> Card:
    card = cards_visible_to(request.user).select_related("photo").filter(pk=pk).first()
    if card is None or not may_open_wallet(request.user, card):
        raise Http404
    return card


def _code_json(code: WalletCode) -> dict:
    now = timezone.now()
    return {
        "qr": code.qr_url,
        "expires_at": code.expires_at.isoformat(),
        "expires_label": _("Valid until %(time)s")
        % {"time": formats.time_format(timezone.localtime(code.expires_at), "H:i:s")},
        "refresh_in": max(1, round((code.refresh_at - now).total_seconds())),
    }


@never_cache
@login_required
@require_GET
def wallet(request: HttpRequest, pk: int) -> HttpResponse:
    """The card to show at a service desk (第六条 仅限本人使用): its face and a QR that renews every few minutes."""
    card = _wallet_card(request, pk)
    valid = card.valid_on(timezone.localdate())
    code = wallet_code_for(card=card) if valid else None
    context = {
        "card": card,
        "valid": valid,
        "code": _code_json(code) if code else None,
        "lifetime_minutes": int(WALLET_TOKEN_LIFETIME.total_seconds() // 60),
        "now": timezone.localtime(),
    }
    return render(request, "cards/wallet.html", context)


@never_cache
@login_required
@require_GET
def wallet_code(request: HttpRequest, pk: int) -> JsonResponse:
    """The wallet's current code, fetched by the page's script when the one it shows is half through its life."""
    card = _wallet_card(request, pk)
    if not card.valid_on(timezone.localdate()):
        return JsonResponse({"error": _("This card is not valid today.")}, status=410)
    return JsonResponse(_code_json(wallet_code_for(card=card)))


def _action_card(request: HttpRequest, pk: int, action: str) -> Card:
    card = _card_or_404(request, pk)
    if action not in card_actions_for(request.user, card):
        raise PermissionDenied
    return card


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """发卡 (第五条（六）) from the card's page, through the application's issue step."""
    card = _action_card(request, pk, "issue")
    try:
        application_transition(
            application_id=card.application_id, name="issue_card", actor=request.user, expected_state=State.PRODUCED
        )
    except AlreadyHandled as error:
        messages.warning(request, _("Already handled by someone else: %(detail)s") % {"detail": error.message})
    except NotAllowed:
        raise PermissionDenied from None
    else:
        messages.success(request, _("Card %(number)s issued.") % {"number": card.number})
    return redirect("cards:detail", pk=card.pk)


@login_required
@require_POST
def render_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Renders the credential again, e.g. after a new signing key or a corrected photo."""
    card = _action_card(request, pk, "render")
    tasks.render_credential.delay(card_id=card.pk)
    messages.success(request, _("The electronic credential is being rendered again."))
    return redirect("cards:detail", pk=card.pk)

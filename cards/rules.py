"""Who may do what with a card they can see (cards.selectors.cards_visible_to decides who sees it at all)."""

from accounts.models import User
from accounts.roles import Role
from cards.models import Card, CardState
from cards.selectors import DISTRICT_ROLES


def is_holder(user: User, card: Card) -> bool:
    return card.holder_id == user.pk


def may_see_personal_data(user: User, card: Card) -> bool:
    """The photo and the credential: the holder and the district's offices, not the employer or department."""
    return is_holder(user, card) or bool(user.role_codes & DISTRICT_ROLES)


def may_download_credential(user: User, card: Card) -> bool:
    """The holder while the card is valid (an ended card's PDF is not handed out again); the district always."""
    if not card.credential:
        return False
    if is_holder(user, card):
        return card.state == CardState.ACTIVE
    return bool(user.role_codes & DISTRICT_ROLES)


def may_open_wallet(user: User, card: Card) -> bool:
    """第六条 仅限本人使用: the live QR is shown to the holder only."""
    return is_holder(user, card)


def card_actions_for(user: User, card: Card) -> list[str]:
    """The actions the user may take on the card's page; each has its form in cards/actions/<name>.html."""
    actions = []
    if card.state == CardState.ACTIVE and (
        user.has_role(Role.HR_REVIEWER) or (user.has_role(Role.DEPARTMENT_REVIEWER) and card.department_id is not None)
    ):
        # 第六条: the HR bureau ends a card's services; the department proposes it under （一） (cards:end).
        actions.append("end")
    if user.has_role(Role.TALENT_OFFICE):
        # 第五条（六）: the talent office issues the card it produced, and may render its credential again.
        if card.state == CardState.PRODUCED:
            actions.append("issue")
        if card.state in (CardState.PRODUCED, CardState.ACTIVE):
            actions.append("render")
    return actions

"""Demo cards for `seed_demo`: an issued gold card and an issued diamond card, made through the real review flow,
and a signing key, so that 核验 works out of the box."""

from accounts.models import User
from applications.demo import demo_application_submit
from applications.services import application_transition
from cards.keys import SigningKeyError, signing_key_active, signing_key_generate
from cards.models import Card, SigningKey
from cards.services import card_produce

# (username, name, profile, tier, serial of the demo identity number)
DEMO_HOLDERS = (
    (
        "demo-chen",
        "陈思远",
        {"education": {"degree": "doctorate", "postgraduate": True, "full_time": True, "university": "other"}},
        "gold",
        5,
    ),
    ("demo-lin", "林嘉怡", {"honours": ["senior_professional_title"]}, "diamond", 6),
)


def demo_signing_key() -> SigningKey:
    """The active signing key, or a new one (generated and activated) when none is usable here."""
    try:
        key, _private = signing_key_active()
    except SigningKeyError:
        return signing_key_generate(activate=True)
    return key


def demo_cards_seed(*, password: str) -> list[Card]:
    """Takes the demo holders' applications through 初审, 复审, 审定, 制卡 and 发卡 once; later runs leave them."""
    demo_signing_key()
    department_reviewer = User.objects.get(username="department")
    hr = User.objects.get(username="hr")
    talent = User.objects.get(username="talent")
    cards = []
    for username, name, facts, tier, serial in DEMO_HOLDERS:
        application = demo_application_submit(
            username=username, name=name, facts=facts, tier=tier, serial=serial, password=password
        )
        if application is None:
            continue
        # 审定: the HR bureau approves gold and silver cards, the talent office diamond ones (workflow.md).
        approver = talent if tier == "diamond" else hr
        for name_, actor, data in (
            ("pass_initial", department_reviewer, {"opinion": "材料齐全，同意。"}),
            ("pass_second", hr, {"opinion": "符合条件。", "determined_tier": tier}),
            ("approve", approver, {"opinion": "同意。"}),
        ):
            application_transition(application_id=application.pk, name=name_, actor=actor, **data)
        # 制卡 runs in a worker when Redis is set: made here too (it is idempotent), so the card can be issued now.
        card_produce(application_id=application.pk)
        application_transition(application_id=application.pk, name="issue_card", actor=talent, opinion="发卡。")
        cards.append(Card.objects.get(application_id=application.pk))
    return cards

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from baiyun_talent.i18n import chinese_active
from eligibility.selectors import policy_lapse


def _lapse_notice() -> dict | None:
    """第九条: the lapse of the policy, worded in the reader's language from the lapsed version's own words."""
    lapse = policy_lapse(on_date=timezone.localdate())
    if lapse is None:
        return None
    english = not chinese_active()
    lapsed, upcoming = lapse.lapsed, lapse.next_policy
    return {
        "code": lapsed.code,
        "title": lapsed.title_en if english else lapsed.title_zh,
        "document_number": lapsed.document_number,
        "ended_on": lapse.ended_on,
        "next_title": (upcoming.title_en if english else upcoming.title_zh) if upcoming else "",
        "next_from": upcoming.in_force_from if upcoming else None,
        "consultation": [
            {"name": office.en if english else office.zh, "phone": office.phone} for office in lapsed.consultation
        ],
    }


def policy_lapse_notice(request: HttpRequest) -> dict:
    """`policy_lapse` for the pages that show it (self-check, applications); read only when a template asks."""
    return {"policy_lapse": SimpleLazyObject(_lapse_notice)}

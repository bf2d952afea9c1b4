"""Who may open what: the expectations of the generated access matrix (tests/security/test_access_matrix.py).

One row per URL pattern of the portal, named as `reverse` names it. Columns are the roles, anonymous first, and `staff`
(an admin user verified by a code, holding no portal role). Each cell is
  A  allowed: the view does its work (a page, a download, a redirect onward, or a form error for the empty post),
  D  denied: 404 for another's object or a page of another role (403 where the page says why),
  L  sent to the login page first.
A row whose URL carries an object has two lines: the column's own object (own application, material, export, own
role's page) and a foreign one. Adding a URL to the project without a row here fails the matrix: add its row.
"""

from dataclasses import dataclass, field

ALLOW, DENY, LOGIN = "A", "D", "L"
COLUMNS = (
    "anonymous",
    "applicant",
    "employer",
    "department_reviewer",
    "hr_reviewer",
    "talent_office",
    "service_desk",
    "auditor",
    "staff",
)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    # What the URL's object is: "" (none), "application", "material", "export", "card", "midterm" (a card's
    # mid-term assessment), "booking" (a booking of a card's service) or "role" (a role's page).
    target: str
    own: str
    foreign: str = ""
    kwargs: dict = field(default_factory=dict)
    # For the foreign object when it needs other arguments (a transition that its state allows).
    foreign_kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def expectations(self) -> dict[str, list[str]]:
        lines = {"own": self.own, "foreign": self.foreign} if self.target else {"-": self.own}
        return {which: line.split() for which, line in lines.items()}


# fmt: off
ROWS = [
    # Columns:                                         anon appl empl dept hr   tal  desk aud  staff
    Row("landing", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("home", "GET", "", own="L    A    A    A    A    A    A    A    D"),
    Row("accounts:login", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("accounts:logout", "POST", "", own="A    A    A    A    A    A    A    A    A"),
    Row("accounts:workspace", "GET", "role",
        own=    "L    A    A    A    A    A    A    A    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("accounts:lockouts", "GET", "", own="L    D    D    D    D    D    D    A    D"),
    Row("accounts:register", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("accounts:verify", "GET", "", own="D    D    D    D    D    D    D    D    D"),
    Row("accounts:verify_resend", "POST", "", own="D    D    D    D    D    D    D    D    D"),
    Row("accounts:otp_setup", "GET", "", own="L    A    A    A    A    A    A    A    A"),
    Row("accounts:otp_verify", "GET", "", own="L    A    A    A    A    A    A    A    A"),
    Row("applications:home", "GET", "", own="L    A    D    D    D    D    D    D    D"),
    Row("applications:start", "GET", "", own="L    A    D    D    D    D    D    D    D"),
    Row("applications:employer_home", "GET", "", own="L    D    A    D    D    D    D    D    D"),
    Row("applications:detail", "GET", "application",
        own=    "L    A    A    A    A    A    D    A    D",
        foreign="L    D    D    D    D    A    D    A    D"),
    Row("applications:edit", "GET", "application", kwargs={"step": "identity"},
        own=    "L    A    D    D    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("applications:withdraw", "GET", "application",
        own=    "L    A    D    D    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    # Employers follow progress, not materials (PIPL: minimum necessary).
    Row("applications:material_download", "GET", "material",
        own=    "L    A    D    A    A    A    D    A    D",
        foreign="L    D    D    D    D    A    D    A    D"),
    Row("applications:material_remove", "POST", "material",
        own=    "L    A    D    D    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("cards:mine", "GET", "", own="L    A    D    D    D    D    D    D    D"),
    Row("cards:detail", "GET", "card",
        own=    "L    A    A    A    A    A    D    A    D",
        foreign="L    D    D    D    A    A    D    A    D"),
    Row("cards:credential", "GET", "card",
        own=    "L    A    D    D    A    A    D    A    D",
        foreign="L    D    D    D    A    A    D    A    D"),
    Row("cards:photo", "GET", "card",
        own=    "L    A    D    D    A    A    D    A    D",
        foreign="L    D    D    D    A    A    D    A    D"),
    Row("cards:wallet", "GET", "card",
        own=    "L    A    D    D    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("cards:wallet_code", "GET", "card",
        own=    "L    A    D    D    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    # The cards of the matrix are valid: there is nothing to issue (cards' own tests issue a produced one).
    Row("cards:issue", "POST", "card",
        own=    "L    D    D    D    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("cards:render", "POST", "card",
        own=    "L    D    D    D    D    A    D    D    D",
        foreign="L    D    D    D    D    A    D    D    D"),
    Row("cards:register", "GET", "", own="L    D    D    A    A    A    D    A    D"),
    Row("cards:end", "GET", "card",
        own=    "L    D    D    A    A    D    D    D    D",
        foreign="L    D    D    D    A    D    D    D    D"),
    Row("cards:midterm_list", "GET", "", own="L    D    A    A    A    A    D    A    D"),
    Row("cards:midterm", "GET", "midterm",
        own=    "L    D    A    A    A    A    D    A    D",
        foreign="L    D    D    D    A    A    D    A    D"),
    Row("cards:midterm_report_file", "GET", "midterm",
        own=    "L    D    A    A    A    A    D    A    D",
        foreign="L    D    D    D    A    A    D    A    D"),
    Row("reviews:confirm_employer", "POST", "application",
        own=    "L    D    D    A    D    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("reviews:statistics", "GET", "", own="L    D    D    A    A    A    D    A    D"),
    Row("reviews:exports", "GET", "", own="L    D    D    A    A    A    D    A    D"),
    Row("reviews:export_download", "GET", "export",
        own=    "L    D    D    A    A    A    D    A    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("reviews:application", "GET", "application",
        own=    "L    D    D    A    A    A    D    A    D",
        foreign="L    D    D    D    D    A    D    A    D"),
    Row("reviews:transition", "POST", "application", kwargs={"name": "pass_second"},
        foreign_kwargs={"name": "pass_initial"},
        own=    "L    D    D    D    A    D    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("reviews:queue", "GET", "role",
        own=    "L    D    D    A    A    A    D    A    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("reviews:bulk", "POST", "role",
        own=    "L    D    D    D    A    A    D    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("reviews:export", "GET", "role", kwargs={"export_format": "csv"},
        own=    "L    D    D    A    A    A    D    A    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("eligibility:self_check", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility:self_check", "POST", "", own="A    A    A    A    A    A    A    A    A"),
    Row(
        "eligibility:self_check_page",
        "GET",
        "",
        own="A    A    A    A    A    A    A    A    A",
        kwargs={"slug": "employer"},
    ),
    Row(
        "eligibility:self_check_page",
        "POST",
        "",
        own="A    A    A    A    A    A    A    A    A",
        kwargs={"slug": "employer"},
    ),
    Row("eligibility:self_check_answers", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility:self_check_result", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility:self_check_apply", "POST", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility_api:evaluate", "POST", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility_api:criteria", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("openapi", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility:policies", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("eligibility:policy", "GET", "", kwargs={"code": "baiyun-2021"},
        own="A    A    A    A    A    A    A    A    A"),
    Row("cards:verify", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("cards:keys", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("cards:status_list", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("cards_api:verify", "POST", "", own="A    A    A    A    A    A    A    A    A"),
    # The services of the card (第四条): the guide is public, the holder's pages need a valid card, the desk's pages
    # a desk, the counts the district; a booking is its holder's and its service point's desk's.
    Row("benefits:catalogue", "GET", "", own="A    A    A    A    A    A    A    A    A"),
    Row("benefits:service", "GET", "", kwargs={"number": 13},
        own="A    A    A    A    A    A    A    A    A"),
    Row("benefits:mine", "GET", "", own="L    A    A    A    A    A    A    A    A"),
    Row("benefits:mine_pdf", "GET", "", own="L    A    D    D    D    D    D    D    D"),
    Row("benefits:book", "GET", "", kwargs={"number": 4},
        own="L    A    D    D    D    D    D    D    D"),
    Row("benefits:mine_cancel", "POST", "booking",
        own=    "L    A    D    D    D    D    A    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("benefits:desk", "GET", "", own="L    D    D    D    D    D    A    D    D"),
    Row("benefits:desk_card", "GET", "", own="L    D    D    D    D    D    A    D    D"),
    Row("benefits:desk_card_clear", "POST", "", own="L    D    D    D    D    D    A    D    D"),
    Row("benefits:desk_records", "GET", "", own="L    D    D    D    D    D    A    D    D"),
    Row("benefits:desk_booking", "GET", "booking",
        own=    "L    D    D    D    D    D    A    D    D",
        foreign="L    D    D    D    D    D    D    D    D"),
    Row("benefits:statistics", "GET", "", own="L    D    D    D    A    A    D    A    D"),
    Row("benefits:statistics_csv", "GET", "", own="L    D    D    D    A    A    D    A    D"),
    Row("set_language", "POST", "", data={"language": "en", "next": "/"},
        own="A    A    A    A    A    A    A    A    A"),
]
# fmt: on

# The admin (django-otp's admin site) sends everyone but staff verified by a code to its own login, on every one of
# its URLs; its login and logout pages are open to all. Verified staff reach everything.
ADMIN_DEFAULT = "L    L    L    L    L    L    L    L    A"
ADMIN_EXCEPTIONS = {
    "admin:login": "A    A    A    A    A    A    A    A    A",
    "admin:logout": "A    A    A    A    A    A    A    A    A",
    # Staff too are refused what needs arguments these requests do not carry, and the records nobody adds by hand.
    "admin:autocomplete": "L    L    L    L    L    L    L    L    D",
    "admin:view_on_site": "L    L    L    L    L    L    L    L    D",
    "admin:axes_accessattempt_add": "L    L    L    L    L    L    L    L    D",
    "admin:axes_accesslog_add": "L    L    L    L    L    L    L    L    D",
    "admin:axes_accessfailurelog_add": "L    L    L    L    L    L    L    L    D",
    "admin:reviews_queueexport_add": "L    L    L    L    L    L    L    L    D",
    "admin:reviews_digestsend_add": "L    L    L    L    L    L    L    L    D",
    # Cards change through the portal's services only (their history); keys through `manage.py cards keys`.
    # A policy version's pages answer 404 for a version that does not exist (the matrix asks for one).
    "admin:eligibility_policyversion_change": "L    L    L    L    L    L    L    L    D",
    "admin:eligibility_policyversion_impact": "L    L    L    L    L    L    L    L    D",
    "admin:eligibility_policyversion_impact_csv": "L    L    L    L    L    L    L    L    D",
    "admin:cards_card_add": "L    L    L    L    L    L    L    L    D",
    "admin:cards_card_delete": "L    L    L    L    L    L    L    L    D",
    "admin:cards_cardsettings_delete": "L    L    L    L    L    L    L    L    D",
    "admin:cards_signingkey_add": "L    L    L    L    L    L    L    L    D",
    "admin:cards_signingkey_delete": "L    L    L    L    L    L    L    L    D",
    # Uses and bookings are recorded through the portal, which enforces the quotas; the district's settings stay.
    "admin:benefits_use_add": "L    L    L    L    L    L    L    L    D",
    "admin:benefits_booking_add": "L    L    L    L    L    L    L    L    D",
    "admin:benefits_benefitsettings_delete": "L    L    L    L    L    L    L    L    D",
    # The catch-all of unknown admin pages (unnamed: named by its route).
    "admin:admin/(?P<url>.*)$": "L    L    L    L    L    L    L    L    D",
}

"""The applicant's forms: one per step of the application, each saving a draft; nothing is checked for completeness
until submission (services.submission_problems), only the format of what was typed."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Employer
from accounts.validators import mobile_normalise, validate_uscc
from applications.identity import DocumentType, identity_number_validate, validate_resident_id
from applications.lists_port import ListFacts, profile_apply
from applications.models import Kind, ScanOf, Tier
from baiyun_talent.i18n import chinese_active, in_active_language
from eligibility.engine import criteria_of_tier
from eligibility.fields import GROUPS, REGISTRY, profile_field
from eligibility.profile import BOOL, CHOICE, DATE, FIELDS, INTEGER, MONEY, ProfileError
from eligibility.selectors import catalogue_published, evaluation_in_force, policy_latest
from eligibility.selfcheck import honour_groups

# Mainland mobile numbers, or an international number for applicants from abroad (第三条（一）12).
MAX_INSURANCE_MONTHS = 600
MAX_TAX_YEARS = 60


FIELD_TEMPLATE = "applications/includes/field.html"


class ApplicantForm(forms.Form):
    """The applicant's forms: labels with no colon (Chinese takes none), check boxes on their label's line, and a
    marker on what submission will ask for (services.submission_problems), though a draft may be saved without it."""

    submission_required: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields_present()

    def fields_present(self) -> None:
        """Render every field with the applicant's field template; forms that add fields call it again."""
        for name, field in self.fields.items():
            field.template_name = FIELD_TEMPLATE
            field.submission_required = name in self.submission_required


class EmployerChoiceField(forms.ModelChoiceField):
    """Each employer with the department that does the initial review of its staff's applications (第五条（二）)."""

    def label_from_instance(self, obj: Employer) -> str:
        return _("%(employer)s — initial review: %(department)s") % {
            "employer": obj.display_name,
            "department": obj.department.display_name,
        }


class DateInput(forms.DateInput):
    """The browser's date picker; the value is always ISO so that it fills the picker."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StartForm(ApplicantForm):
    # 第六条/第八条: the kind must fit the person's card; applications.services.application_kind_check decides.
    kind = forms.ChoiceField(
        label=_("Kind of application"), choices=Kind.choices, initial=Kind.NEW, widget=forms.RadioSelect
    )


class IdentityForm(ApplicantForm):
    """申领指南 五（一）2: the identity document, checked by its own format."""

    submission_required = ("full_name", "document_type", "document_number")

    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    document_type = forms.ChoiceField(label=_("Identity document"), choices=DocumentType.choices)
    document_number = forms.CharField(label=_("Document number"), max_length=32, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput(),
        help_text=_("Read from the number for a resident identity card; give it for other documents."),
    )
    nationality = forms.CharField(
        label=_("Nationality or region"),
        max_length=60,
        required=False,
        help_text=_("Needed for a passport or a travel permit."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        number = cleaned.get("document_number", "")
        document_type = cleaned.get("document_type")
        if number and document_type:
            today = timezone.localdate()
            try:
                cleaned["document_number"] = identity_number_validate(
                    document_type=document_type, number=number, today=today
                )
            except ValidationError as error:
                self.add_error("document_number", error)
                return cleaned
            if document_type == DocumentType.RESIDENT_ID:
                birth_date = validate_resident_id(cleaned["document_number"], today=today)
                if cleaned.get("birth_date") and cleaned["birth_date"] != birth_date:
                    self.add_error(
                        "birth_date", _("The date of birth differs from the one in the ID number: please check both.")
                    )
                else:
                    cleaned["birth_date"] = birth_date
        return cleaned


class ContactForm(ApplicantForm):
    submission_required = ("mobile", "email", "employer")

    mobile = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(label=_("Correspondence address"), max_length=200, required=False)
    employer = EmployerChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.order_by("name"),
        required=False,
        empty_label=_("— choose from the registered employers —"),
        help_text=_(
            "Each employer is shown with the industry department that does the initial review of your application "
            "(Art. 5(2))."
        ),
        widget=forms.Select(
            attrs={
                "data-searchable": "",
                "data-search-label": _("Search by the employer's name or its department"),
                "data-search-count": _("%(count)s employers match"),
            }
        ),
    )
    employer_uscc = forms.CharField(
        label=_("Or its unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("The 18-character 统一社会信用代码 on the employer's business licence."),
    )
    employer_name = forms.CharField(
        label=_("Employer's name (when it is not in the list)"),
        max_length=200,
        required=False,
        help_text=_("As on the business licence."),
    )
    employer_department = forms.ModelChoiceField(
        label=_("Its industry department (when it is not in the list)"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("— choose the department that oversees your employer —"),
        help_text=_("The department that does the initial review of your application (第五条（二）)."),
    )

    def __init__(self, *args, current_employer: Employer | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Confirmed employers, and the one this application entered itself (private until confirmed).
        self.current_employer = current_employer
        visible = Q(confirmed=True)
        if current_employer is not None:
            visible |= Q(pk=current_employer.pk)
        visible_employers = Employer.objects.filter(visible).select_related("department")
        self.fields["employer"].queryset = visible_employers.order_by("name")

    def clean_mobile(self) -> str:
        mobile = self.cleaned_data["mobile"]
        return mobile_normalise(mobile) if mobile.strip() else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        uscc = cleaned.get("employer_uscc", "").strip().upper()
        if not uscc:
            return cleaned
        try:
            validate_uscc(uscc)
        except ValidationError as error:
            self.add_error("employer_uscc", error)
            return cleaned
        found = Employer.objects.filter(uscc=uscc, confirmed=True).first()
        if found is None:
            current = self.current_employer
            own = current if current is not None and not current.confirmed and current.uscc == uscc else None
            name, department = cleaned.get("employer_name", "").strip(), cleaned.get("employer_department")
            if name and department:
                # Saved with this application (applications.services.application_update), unconfirmed.
                cleaned["employer"] = Employer(
                    pk=own.pk if own else None, uscc=uscc, name=name, department=department, confirmed=False
                )
            elif own is not None:
                cleaned["employer"] = own
            else:
                self.add_error(
                    "employer_uscc",
                    _(
                        "No registered employer has this code: give the employer's name and its industry "
                        "department below, or choose it from the list."
                    ),
                )
        elif cleaned.get("employer") and cleaned["employer"] != found:
            self.add_error("employer_uscc", _("This code belongs to another employer than the one chosen."))
        else:
            cleaned["employer"] = found
        return cleaned


class EmploymentForm(ApplicantForm):
    """申领指南 五（一）5–6: the contract and the insurance or tax records."""

    submission_required = ("contract_valid_until",)

    job_title = forms.CharField(label=_("Position"), max_length=100, required=False)
    is_legal_representative = forms.BooleanField(
        label=_("I am the legal representative of my employer"), required=False
    )
    contract_valid_until = forms.DateField(
        label=_("Employment contract valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("The contract must run at least 6 more months after you submit."),
    )
    insurance_months = forms.IntegerField(
        label=_("Consecutive months of social insurance or income tax records"),
        min_value=0,
        max_value=MAX_INSURANCE_MONTHS,
        required=False,
        help_text=_("At least 3 consecutive months."),
    )
    unit_tax_years = forms.IntegerField(
        label=_("Years of the employer's tax proof"),
        min_value=0,
        max_value=MAX_TAX_YEARS,
        required=False,
        help_text=_("Only for a legal representative: the employer's lawful tax payment of the last 2 years."),
    )
    investment_promotion_recommended = forms.BooleanField(
        label=_(
            "My employer is a new investment enterprise recommended by the District Investment Promotion Bureau "
            "for assessment as a whole (综合认定)"
        ),
        required=False,
        help_text=_(
            "Application guide 5(1)6: a legal representative whose employer has paid tax for under 2 years uploads "
            "the bureau's recommendation instead of the tax proof."
        ),
    )


# The profile's fields are worded by the field registry (eligibility/fields.py), as the self-check words them.
PROFILE_GROUPS = ("employer", "exclusions", "honours", "education", "enterprise", "founder")
YES_NO = (("True", _("Yes")), ("False", _("No")))


def profile_field_name(path: str) -> str:
    """The form field of a profile path: employer.registered_in_district → employer__registered_in_district."""
    return path.replace(".", "__")


def _yes_no(value: str) -> bool | None:
    return {"True": True, "False": False}.get(value)


def _profile_form_field(path: str) -> forms.Field:
    field = profile_field(path)
    if field.kind == BOOL:
        return forms.TypedChoiceField(
            label=field.label,
            help_text=field.help,
            required=False,
            choices=YES_NO,
            coerce=_yes_no,
            empty_value=None,
            widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
        )
    if field.kind == MONEY:
        help_text = _("In yuan.") if not field.help else format_lazy("{} {}", field.help, _("In yuan."))
        return forms.IntegerField(label=field.label, help_text=help_text, required=False, min_value=0)
    if field.kind == INTEGER:
        return forms.TypedChoiceField(
            label=field.label,
            help_text=field.help,
            required=False,
            choices=[("", field.none_label), *field.choices],
            coerce=int,
            empty_value=None,
        )
    if field.kind == CHOICE:
        return forms.ChoiceField(
            label=field.label,
            help_text=field.help,
            required=False,
            choices=[("", field.none_label or "—"), *field.choices],
        )
    if field.kind == DATE:
        return forms.DateField(label=field.label, help_text=field.help, required=False, widget=DateInput())
    raise ValueError(f"no form field for the profile kind {field.kind}")


def honour_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue's honours grouped as the self-check groups them, named in the active language."""
    return [(str(title), members) for _slug, title, members in honour_groups() if members]


def criterion_name(code: str) -> str:
    """A criterion as people read it: its words and article in the active language, no code."""
    policy = policy_latest(on_date=timezone.localdate())
    criterion = policy.criterion_by_code.get(code) if policy else None
    if criterion is None:
        return code
    return in_active_language(criterion.explanation.zh, criterion.explanation.en)


class EligibilityForm(ApplicantForm):
    """The eligibility profile of the spec, the tier requested and the criteria claimed (第三条)."""

    requested_tier = forms.ChoiceField(label=_("Card applied for"), required=False)
    claimed_criteria = forms.MultipleChoiceField(
        label=_("Criteria claimed"), required=False, widget=forms.CheckboxSelectMultiple
    )

    submission_required = ("requested_tier",)

    def __init__(self, *args, matched: list[str], lists: ListFacts | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What the industry departments' lists decide (G12) is not asked: the lists answer it.
        self.lists = lists or ListFacts()
        for path in FIELDS:
            if path == "case_by_case" or path in self.lists.profile:
                continue
            self.fields[profile_field_name(path)] = _profile_form_field(path)
        self.fields["case_by_case"] = _profile_form_field("case_by_case")
        self.fields["honours"] = forms.MultipleChoiceField(
            label=_("Honours and titles you hold"),
            required=False,
            choices=honour_choices(),
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["requested_tier"].choices = [("", _("— none: case by case —")), *Tier.choices]
        self.fields["claimed_criteria"].choices = [(code, criterion_name(code)) for code in matched]
        self.order_fields([name for name in self.fields if name not in ("requested_tier", "claimed_criteria")])
        self.fields_present()
        self.evaluation: dict | None = None

    @classmethod
    def initial_from(cls, *, profile: dict, application) -> dict:
        """The form's initial values from the stored (nested) profile."""
        initial = {
            "case_by_case": application.case_by_case,
            "requested_tier": application.requested_tier,
            "claimed_criteria": application.claimed_criteria,
            "honours": profile.get("honours", []),
        }
        for path in FIELDS:
            section, _dot, name = path.rpartition(".")
            value = (profile.get(section) or {}).get(name) if section else profile.get(name)
            if value is not None:
                initial[profile_field_name(path)] = value
        return initial

    def sections(self) -> list[dict]:
        """The profile by the registry's groups (the self-check's pages), for the template: each group's title, its
        bound fields, how many of them hold an answer, the answers the departments' lists gave instead, and whether
        it opens."""
        titles = dict(GROUPS)
        grouped = []
        yes_no = dict(YES_NO)
        for group in PROFILE_GROUPS:
            registered = [field for field in REGISTRY if field.group == group]
            names = ["honours"] if group == "honours" else [field.name for field in registered]
            fields = [self[name] for name in names if name in self.fields]
            decided = [
                {"label": field.label, "value": yes_no[str(self.lists.profile[field.path])]}
                for field in registered
                if field.path in self.lists.profile
            ]
            answered = sum(1 for bound in fields if bound.value() not in (None, "", [], ()))
            grouped.append(
                {
                    "group": group,
                    "title": titles[group],
                    "fields": fields,
                    "answered": answered,
                    "decided": decided,
                    "errors": any(bound.errors for bound in fields),
                }
            )
        # A group opens where there is a problem; a profile with no answer yet opens its first group.
        fresh = not any(section["answered"] or section["errors"] for section in grouped)
        for index, section in enumerate(grouped):
            section["open"] = section["errors"] or (fresh and index == 0)
        return grouped

    def profile(self) -> dict:
        """The nested profile dict of the spec, with only the answers given (missing means false, 0 or null)."""
        profile: dict = {}
        for path in FIELDS:
            if path == "case_by_case":
                continue
            value = self.cleaned_data.get(profile_field_name(path))
            if value is None or value == "":
                continue
            if isinstance(value, date):
                value = value.isoformat()
            section, _dot, name = path.rpartition(".")
            (profile.setdefault(section, {}) if section else profile)[name] = value
        if self.cleaned_data.get("honours"):
            profile["honours"] = list(self.cleaned_data["honours"])
        return profile

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # Evaluated as the application will be: with what the departments' lists decide (the stored answers stay the
        # applicant's own).
        data = {**profile_apply(self.profile(), facts=self.lists), "case_by_case": cleaned.get("case_by_case") is True}
        try:
            self.evaluation = evaluation_in_force(data, today=timezone.localdate())
        except ProfileError as error:
            field = profile_field_name(error.field.split("[")[0])
            self.add_error(field if field in self.fields else None, error.zh if chinese_active() else error.en)
            return cleaned
        if self.evaluation["policy"] is None:
            # 第九条: no version in force; the answers are kept for when one is, and submission says why it waits.
            return cleaned
        criteria = self.evaluation["criteria"]
        tier = cleaned.get("requested_tier")
        if tier:
            if not criteria_of_tier(criteria, tier=tier, catalogue=catalogue_published()):
                self.add_error(
                    "requested_tier",
                    _("Your answers do not meet any criterion of the %(tier)s; choose the tier the evaluation shows.")
                    % {"tier": Tier(tier).label},
                )
        elif cleaned.get("case_by_case") is True and "X01" not in criteria:
            self.add_error("case_by_case", _("Your answers show a reason that rules out every card."))
        unmatched = [code for code in cleaned.get("claimed_criteria", []) if code not in criteria]
        if unmatched:
            self.add_error(
                "claimed_criteria",
                _("Your answers no longer meet %(codes)s; untick them or change your answers.")
                % {"codes": in_active_language("；", "; ").join(criterion_name(code) for code in unmatched)},
            )
        return cleaned


class DeclarationForm(ApplicantForm):
    """申领指南 九: the declaration of truth, given again at every submission."""

    submission_required = ("declaration",)

    declaration = forms.BooleanField(
        label=_(
            "I declare that everything I have given and uploaded is true, complete and valid, and I accept "
            "responsibility for any false statement (Application guide, section 9)."
        ),
        required=True,
        error_messages={"required": _("Accept the declaration of truth before submitting.")},
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)


class TransitionConfirmForm(forms.Form):
    """A confirmation that names the state the person saw, so that a repeated post does nothing twice."""

    expected_state = forms.CharField(widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is inspected by the upload service, not here."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MaterialsForm(ApplicantForm):
    """One upload input per item of the materials checklist; the photo may replace the current one."""

    def __init__(self, *args, checklist: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for item in checklist:
            self.fields[f"files-{item.code}"] = MultipleFileField(
                label=item.label,
                required=False,
                widget=MultipleFileInput(attrs={"accept": ".gif,.jpg,.jpeg,.png,.pdf,.doc,.docx"}),
            )
            self.fields[f"replace-{item.code}"] = forms.BooleanField(
                label=_("Replace the current files"), required=False
            )
            if item.code != "photo":
                # 申领指南 六（一）: a copy must carry “与原件相符” and the employer's seal.
                self.fields[f"scan_of-{item.code}"] = forms.ChoiceField(
                    label=_("The file is"), choices=ScanOf.choices, required=False, widget=forms.RadioSelect
                )
        self.fields_present()

    def clean(self) -> dict:
        cleaned = super().clean()
        for item in self.checklist:
            name = f"scan_of-{item.code}"
            if name in self.fields and cleaned.get(f"files-{item.code}") and not cleaned.get(name):
                self.add_error(name, _("Say whether the file is a scan of the original or of a certified copy."))
        return cleaned

    def rows(self) -> list[tuple]:
        """Each checklist item with its upload field, the scan question and the replace option, for the template."""
        return [
            (
                item,
                self[f"files-{item.code}"],
                self[f"scan_of-{item.code}"] if f"scan_of-{item.code}" in self.fields else None,
                self[f"replace-{item.code}"],
            )
            for item in self.checklist
        ]

    def scan_of(self) -> dict[str, str]:
        return {item.code: self.cleaned_data.get(f"scan_of-{item.code}", "") for item in self.checklist}

    def uploads(self) -> dict[str, list]:
        return {item.code: self.cleaned_data.get(f"files-{item.code}") or [] for item in self.checklist}

    def replaced(self) -> set[str]:
        return {item.code for item in self.checklist if self.cleaned_data.get(f"replace-{item.code}")}

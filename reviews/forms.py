"""The reviewers' forms: the queue's filters, one form per workflow transition, and bulk decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from applications.models import Kind, Tier
from applications.services import ChecklistItem
from applications.workflow import TRANSITIONS, Carry, State
from reviews.selectors import CASE_BY_CASE, QUEUE_STATES, SORTS, QueueFilters, filter_choices

SORT_LABELS = {
    "stage": _("Longest in the stage first"),
    "-stage": _("Newest in the stage first"),
    "submitted": _("Submitted, oldest first"),
    "-submitted": _("Submitted, newest first"),
    "number": _("Application number, ascending"),
    "-number": _("Application number, descending"),
    "name": _("Name, A to Z"),
    "-name": _("Name, Z to A"),
}

# Decisions taken for several applications at once, where the table lets one role decide them alike:
# the HR bureau approves gold and silver, the talent office approves diamond and issues cards.
BULK_TRANSITIONS = {
    Role.HR_REVIEWER: ("approve",),
    Role.TALENT_OFFICE: ("approve", "issue_card"),
}


class DateInput(forms.DateInput):
    input_type = "date"


class QueueFilterForm(forms.Form):
    """The dashboard's filters (GET); an invalid value is shown as an error and ignored."""

    q = forms.CharField(label=_("Name or application number"), required=False, max_length=100)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    # Plain choices from the cached lists of reviews.selectors.filter_choices: no query to build or check them.
    department = forms.TypedChoiceField(label=_("Industry department"), required=False, coerce=int, empty_value=None)
    employer = forms.TypedChoiceField(label=_("Employer"), required=False, coerce=int, empty_value=None)
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput)
    submitted_to = forms.DateField(label=_("Submitted until"), required=False, widget=DateInput)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, user: User, role: Role, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["tier"].choices = [*everything, *Tier.choices, (CASE_BY_CASE, _("Case by case (一事一议)"))]
        self.fields["kind"].choices = [*everything, *Kind.choices]
        self.fields["state"].choices = [*everything, *((state.value, state.label) for state in QUEUE_STATES[role])]
        choices = filter_choices(user=user, role=role)
        self.fields["department"].choices = [
            *everything,
            *((department.pk, department.display_name) for department in choices.departments),
        ]
        self.fields["employer"].choices = [
            *everything,
            *((employer.pk, employer.display_name) for employer in choices.employers),
        ]

    def choices_shown(self) -> tuple:
        """The lists of choices as displayed: with the submitted values, they decide the rendered form."""
        return tuple(tuple(self.fields[name].choices) for name in ("state", "department", "employer"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The end date must not be before the start date."))
        return cleaned

    def filters(self) -> QueueFilters:
        """The valid filters; a field with an error counts as not set."""
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return QueueFilters(
            tier=data.get("tier") or "",
            kind=data.get("kind") or "",
            department_id=data.get("department"),
            employer_id=data.get("employer"),
            state=data.get("state") or "",
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            search=data.get("q") or "",
            sort=data.get("sort") if data.get("sort") in SORTS else "stage",
        )


DECISION_CHOICES = [("approve", _("Approved by the leading group")), ("reject", _("Not approved by the leading group"))]


# Decisions that send the application back or end it: set apart from passing it and confirmed before they are sent.
CONFIRMED_TRANSITIONS = {
    "return_for_supplement": _("I confirm: return the application to the applicant for supplement."),
    "reject": _("I confirm: reject the application; this ends it."),
}


def carries_of(name: str) -> frozenset[Carry]:
    """What a transition must carry (the rows of one name carry the same)."""
    for spec in TRANSITIONS:
        if spec.name == name:
            return spec.carries
    raise KeyError(name)


def label_of(name: str):
    for spec in TRANSITIONS:
        if spec.name == name:
            return spec.label
    raise KeyError(name)


class TransitionForm(forms.Form):
    """Exactly the fields one transition carries; completeness is checked by the service (MissingData)."""

    expected_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        name: str,
        checklist: list[ChecklistItem],
        backed_tiers: list[str],
        case_by_case: bool,
        **kwargs,
    ) -> None:
        kwargs.setdefault("prefix", name)
        super().__init__(*args, **kwargs)
        self.name = name
        self.label = label_of(name)
        self.needs_confirmation = name in CONFIRMED_TRANSITIONS
        carries = carries_of(name)
        if Carry.DECISION in carries:
            self.fields["decision"] = forms.ChoiceField(
                label=_("Decision of the leading group"),
                choices=DECISION_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
        if Carry.MEETING_REFERENCE in carries:
            self.fields["meeting_reference"] = forms.CharField(
                label=_("Meeting reference"), max_length=100, required=False
            )
        if Carry.DETERMINED_TIER in carries:
            # 第三条（四）: the leading group may decide any tier; 复审 only one a matched criterion backs.
            tiers = list(Tier.values) if name == "record_group_decision" else backed_tiers
            choices = [(tier, Tier(tier).label) for tier in tiers]
            if case_by_case and name == "pass_second":
                choices = [("", _("Left to the leading group (一事一议)")), *choices]
            else:
                choices = [("", "—"), *choices]
            self.fields["determined_tier"] = forms.ChoiceField(
                label=_("Determined tier"), choices=choices, required=False
            )
        if Carry.SUPPLEMENT_ITEMS in carries:
            self.fields["supplement_items"] = forms.MultipleChoiceField(
                label=_("Materials to supplement"),
                choices=[(item.code, item.label) for item in checklist],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if Carry.REASONS in carries:
            self.fields["reasons"] = forms.CharField(
                label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
            )
        if Carry.OPINION in carries:
            self.fields["opinion"] = forms.CharField(
                label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
            )
        if self.needs_confirmation:
            self.fields["confirm"] = forms.BooleanField(
                label=CONFIRMED_TRANSITIONS[name],
                error_messages={"required": _("Tick the confirmation to send this decision.")},
            )

    def transition_kwargs(self) -> dict:
        """The keyword arguments of application_transition that this form carries."""
        data = self.cleaned_data
        kwargs = {"expected_state": data.get("expected_state") or None}
        for field_name in ("opinion", "reasons", "meeting_reference", "determined_tier"):
            if field_name in self.fields:
                kwargs[field_name] = data.get(field_name, "")
        if "supplement_items" in self.fields:
            kwargs["supplement_items"] = list(data.get("supplement_items", []))
        if "decision" in self.fields:
            decision = data.get("decision")
            kwargs["approved"] = None if not decision else decision == "approve"
        return kwargs

    def add_service_errors(self, errors: dict) -> None:
        """Places the service's MissingData errors beside the fields (the decision is `approved` there)."""
        for field_name, messages in errors.items():
            target = "decision" if field_name == "approved" else field_name
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class BulkForm(forms.Form):
    """One decision for the ticked applications of a queue."""

    # Nothing chosen beforehand: the reviewer picks the decision.
    name = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    applications = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("Applications"))
    opinion = forms.CharField(
        label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )

    def __init__(self, *args, role: Role, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(name, label_of(name)) for name in BULK_TRANSITIONS.get(role, ())]

    def clean_applications(self) -> list[int]:
        return self.cleaned_data["applications"]

    def full_clean(self) -> None:
        # The ticked ids are checked against the user's scope by the service, one by one, not here.
        if self.is_bound:
            self.fields["applications"].choices = [(value, value) for value in self.data.getlist("applications")]
        super().full_clean()

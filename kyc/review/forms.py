from django import forms

from ..models import Country, Status
from ..services.reporting import month_parse
from ..services.review import REJECT_REASONS, REUPLOAD_REASONS
from .labels import WARNING_LABELS
from .selectors import WAITING


class SearchForm(forms.Form):
    """Sent by POST and kept in the session: a full ID number never appears in a URL or a log."""

    q = forms.CharField(required=False, label="Search", max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "Reference, name or full ID number", "type": "search"}))
    filters = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[(WAITING, "Waiting for review")] + list(Status.choices))
    assignee = forms.ChoiceField(required=False)
    country = forms.ChoiceField(required=False, choices=[("", "Any")] + list(Country.choices))
    card_type = forms.ChoiceField(required=False, label="Card type", choices=[("", "Any")] + [
        (t, t) for t in ("MyKad", "MyPR", "MyTentera", "MyKAS", "POLIS", "IKAD", "MyKid", "NRIC")])
    warning = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Warning",
                                     choices=[("", "Any")] + [(c, f"{label} ({c})") for c, label in WARNING_LABELS.items()])
    low_confidence = forms.BooleanField(required=False, label="Low-confidence fields only")
    date_from = forms.DateField(required=False, label="Received from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="Received to", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("mine_or_unassigned", "Mine or unassigned"), ("mine", "Mine"), ("unassigned", "Unassigned"), ("any", "Anyone"),
        ] + [(str(u.pk), u.get_username()) for u in reviewers]


class MonthForm(forms.Form):
    month = forms.CharField(label="Month", max_length=7, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self):
        try:
            return month_parse(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError("Pick a month, like 2026-10.") from None


class CorrectionForm(forms.Form):
    name = forms.CharField(max_length=40, widget=forms.HiddenInput)
    value = forms.CharField(max_length=500, required=False, strip=True)


class ApproveForm(forms.Form):
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason_codes = forms.MultipleChoiceField(choices=list(REJECT_REASONS.items()), widget=forms.CheckboxSelectMultiple,
                                             label="Final reasons", error_messages={"required": "Pick at least one reason."})
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReuploadForm(forms.Form):
    reason_codes = forms.MultipleChoiceField(choices=list(REUPLOAD_REASONS.items()), widget=forms.CheckboxSelectMultiple,
                                             label="What the customer should fix", error_messages={"required": "Pick at least one reason."})
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), label="Internal note")


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(queryset=None, required=False, empty_label="Nobody (unassign)", label="Assign to")

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = reviewers

from django import template

from ..masking import mask_id_number
from ..review.labels import warning_label

register = template.Library()


@register.filter
def masked(submission) -> str:
    return mask_id_number(submission.id_number, submission.country)


@register.filter
def warning_words(code) -> str:
    return warning_label(int(code))


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"

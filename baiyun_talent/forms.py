"""How every form renders: Chinese labels take no ASCII colon, and a check box sits on its label's line."""

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting


class PortalBoundField(BoundField):
    """A label without Django's trailing ":" (it follows Chinese text as an ASCII colon); an explicit suffix stays."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, label_suffix="" if label_suffix is None else label_suffix, tag=tag)


class PortalFormRenderer(TemplatesSetting):
    """The project's templates first (templates/forms/), then Django's; set as FORM_RENDERER."""

    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField

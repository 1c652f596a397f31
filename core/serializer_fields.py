"""Output fields shared by the apps' API serializers."""

from rest_framework import serializers


class ChoiceLabelField(serializers.CharField):
    """The label of a model field's choice (`get_<field>_display()`).

    Same output as `CharField(source="get_<field>_display")`, without DRF's per-row check of a
    method source (an `inspect.signature` call on every object of a list)."""

    def __init__(self, field_name: str, **kwargs):
        self.choice_field = field_name
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return str(getattr(value, f"get_{self.choice_field}_display")())

"""Who-approves-what configuration is audited: every admin add, change and delete of a model
whose admin uses `AuditedAdmin` writes a `config.*` row to the hash-chained audit log, in the
transaction of the change, with the old and new values of each changed field.

Used for chain versions and their steps, discount limits, role assignments, 立项权 rules,
department managers, commission rates; services that change configuration outside the admin
(chain activation, a user's signature) call `config_audit()` themselves.
"""

from decimal import Decimal

from django.contrib import admin
from django.db import models, transaction

from .audit import audit_append

CREATED, CHANGED, DELETED = "config.created", "config.changed", "config.deleted"
# Never copied into the log.
SECRET_FIELDS = frozenset({"password"})


def snapshot(obj) -> dict:
    """The concrete field values of `obj`, as JSON-safe values."""
    values = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or ""
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[f.name] = value
    return values


def changes(old: dict, new: dict) -> dict:
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def config_audit(*, acting_user, obj, verb, old=None, new=None):
    """Append one configuration row; a change that changes nothing writes nothing."""
    new = snapshot(obj) if new is None and verb != DELETED else (new or {})
    diff = changes(old or {}, new)
    if verb == CHANGED and not diff:
        return None
    return audit_append(
        verb=verb,
        actor=acting_user,
        payload={
            "model": obj._meta.label_lower,
            "pk": obj.pk,
            "object": str(obj)[:200],
            "changes": diff if verb != DELETED else {},
            "old": old if verb == DELETED else {},
        },
    )


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves, deletes and inline edits are written to the audit log."""

    def save_model(self, request, obj, form, change):
        old = snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change and obj.pk else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            config_audit(
                acting_user=request.user, obj=obj, verb=CHANGED if change else CREATED, old=old
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            old, pk = snapshot(obj), obj.pk
            super().delete_model(request, obj)
            obj.pk = pk
            config_audit(acting_user=request.user, obj=obj, verb=DELETED, old=old)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        # Inline rows (chain steps, role assignments): the old values come from the database
        # before the formset writes them.
        model = formset.model
        ids = [f.instance.pk for f in formset.forms if f.instance.pk]
        before = {o.pk: snapshot(o) for o in model._base_manager.filter(pk__in=ids)}
        # Deleting clears an instance's pk; remember it for the log.
        deleting = [
            (f.instance, f.instance.pk)
            for f in getattr(formset, "deleted_forms", [])
            if f.instance.pk
        ]
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                config_audit(acting_user=request.user, obj=obj, verb=CREATED)
            for obj, _fields in formset.changed_objects:
                config_audit(
                    acting_user=request.user, obj=obj, verb=CHANGED, old=before.get(obj.pk)
                )
            for obj, pk in deleting:
                obj.pk = pk
                config_audit(acting_user=request.user, obj=obj, verb=DELETED, old=before.get(pk))

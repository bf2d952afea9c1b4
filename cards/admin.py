from django.contrib import admin

from cards.models import Card, CardSettings, SigningKey
from cards.services import midterm_settings_apply


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    """Cards are read here; every change goes through the portal's services, which keep the history."""

    list_display = ("number", "tier", "state", "valid_from", "valid_until", "employer")
    list_filter = ("state", "tier")
    search_fields = ("number",)
    readonly_fields = [field.name for field in Card._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CardSettings)
class CardSettingsAdmin(admin.ModelAdmin):
    """The district's own settings (第六条 names no month for the mid-term assessment)."""

    list_display = ("__str__", "midterm_month")

    def has_add_permission(self, request) -> bool:
        return not CardSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        midterm_settings_apply()


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Keys are made and rotated with `manage.py cards keys`; here they are only listed."""

    list_display = ("kid", "state", "created_at", "activated_at", "retired_at")
    readonly_fields = ("kid", "public_key", "state", "created_at", "activated_at", "retired_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

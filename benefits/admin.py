from django.contrib import admin

from benefits.models import (
    BenefitSettings,
    Booking,
    BookingEvent,
    Quota,
    Service,
    ServiceDepartment,
    ServiceItem,
    ServiceLine,
    ServicePoint,
    Use,
)


class ServiceDepartmentInline(admin.TabularInline):
    model = ServiceDepartment
    extra = 0


class ServiceItemInline(admin.TabularInline):
    model = ServiceItem
    extra = 0
    fields = ("kind", "position", "zh", "en")


class ServiceLineInline(admin.TabularInline):
    model = ServiceLine
    extra = 0


class ServicePointInline(admin.TabularInline):
    model = ServicePoint
    extra = 0


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """The catalogue of the 服务指南: each service's guide, departments, phones, points and quotas."""

    list_display = ("number", "zh", "en", "policy")
    list_filter = ("policy",)
    inlines = [ServiceDepartmentInline, ServiceItemInline, ServiceLineInline, ServicePointInline, QuotaInline]


@admin.register(BenefitSettings)
class BenefitSettingsAdmin(admin.ModelAdmin):
    """The district's own settings for the services (人才公寓 in use; what one airport use is)."""

    list_display = ("__str__", "talent_apartments_in_use", "airport_count")

    def has_add_permission(self, request) -> bool:
        return not BenefitSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Use)
class UseAdmin(admin.ModelAdmin):
    """Uses are recorded by the desks through the portal, which enforces the quotas; here they are read."""

    list_display = ("used_on", "card", "service", "point", "desk", "minutes", "cancelled_at")
    list_filter = ("service", "desk")
    search_fields = ("card__number",)
    list_select_related = ("card", "service", "point", "desk")
    readonly_fields = [field.name for field in Use._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    readonly_fields = ("action", "actor", "created_at", "note", "emailed_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings are filed, confirmed, changed and cancelled through the portal; here they are read."""

    list_display = ("number", "service", "point", "starts_at", "state")
    list_filter = ("state", "service")
    search_fields = ("number", "card__number")
    readonly_fields = [field.name for field in Booking._meta.fields]
    inlines = [BookingEventInline]

    def has_add_permission(self, request) -> bool:
        return False

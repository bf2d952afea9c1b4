from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Employer, ServiceDesk, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("full_name", "mobile", "departments", "employers", "service_desks")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    filter_horizontal = ("groups", "user_permissions", "departments", "employers", "service_desks")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "department", "confirmed")
    list_filter = ("confirmed", "department")
    list_select_related = ("department",)
    search_fields = ("name", "name_en", "uscc")


@admin.register(ServiceDesk)
class ServiceDeskAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "phone")
    search_fields = ("code", "name", "name_en")

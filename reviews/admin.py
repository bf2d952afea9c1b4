from django.contrib import admin

from reviews.models import DigestSend, QueueExport, StageDeadline


@admin.register(StageDeadline)
class StageDeadlineAdmin(admin.ModelAdmin):
    list_display = ("state", "days", "unit")
    list_editable = ("days", "unit")


@admin.register(QueueExport)
class QueueExportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "role", "format", "status", "row_count")
    list_filter = ("status", "format", "role")
    readonly_fields = ("user", "role", "format", "filters", "status", "row_count", "file", "created_at", "finished_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DigestSend)
class DigestSendAdmin(admin.ModelAdmin):
    list_display = ("day", "recipient", "role", "waiting", "overdue", "emailed_to", "sent_at")
    list_filter = ("role", "day")
    readonly_fields = ("recipient", "role", "day", "waiting", "overdue", "emailed_to", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

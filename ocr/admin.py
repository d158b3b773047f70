from django.contrib import admin, messages
from django.template.response import TemplateResponse

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "secret_id", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "secret_id")
    readonly_fields = ("secret_id", "created_at", "disabled_at", "last_used_at")
    actions = ("disable_keys", "enable_keys")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "rate_limit_mlid", "rate_limit_sg")
        return ("name", "secret_id", "is_active", "rate_limit_mlid", "rate_limit_sg", "created_at", "disabled_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            if "is_active" in form.changed_data:
                obj.set_active(obj.is_active)
            super().save_model(request, obj, form, change)
            return
        key, secret_key = ApiKey.objects.create_key(
            obj.name, rate_limit_mlid=obj.rate_limit_mlid, rate_limit_sg=obj.rate_limit_sg
        )
        obj.pk, obj.secret_id = key.pk, key.secret_id
        # Kept on the request only for response_add: never in a message (messages can be stored in
        # the session table) and never in the database in clear.
        request._new_secret_key = secret_key

    def response_add(self, request, obj, post_url_continue=None):
        secret_key = getattr(request, "_new_secret_key", None)
        if secret_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {**self.admin_site.each_context(request), "key": obj, "secret_key": secret_key, "opts": self.model._meta, "title": "API key created"}
        # Admin views are never_cache, so the page holding the secret is not kept by the browser.
        return TemplateResponse(request, "admin/ocr/apikey/created.html", context)

    @admin.action(description="Disable selected keys")
    def disable_keys(self, request, queryset):
        for key in queryset:
            key.set_active(False)
        self.message_user(request, f"{queryset.count()} key(s) disabled.", messages.SUCCESS)

    @admin.action(description="Enable selected keys")
    def enable_keys(self, request, queryset):
        for key in queryset:
            key.set_active(True)
        self.message_user(request, f"{queryset.count()} key(s) enabled.", messages.SUCCESS)

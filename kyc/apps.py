from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KycConfig(AppConfig):
    name = "kyc"
    verbose_name = "KYC review"

    def ready(self):
        from .portal.tasks import webhook_schedule
        from .roles import ensure_roles
        from .signals import decision_recorded

        decision_recorded.connect(webhook_schedule, dispatch_uid="portal.webhook_schedule")
        # After every migrate, and after the flush between transactional tests, which empties tables.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="kyc.ensure_roles")

from django.apps import AppConfig


class KycConfig(AppConfig):
    name = "kyc"
    verbose_name = "KYC review"

    def ready(self):
        from .portal.tasks import webhook_schedule
        from .signals import decision_recorded

        decision_recorded.connect(webhook_schedule, dispatch_uid="portal.webhook_schedule")

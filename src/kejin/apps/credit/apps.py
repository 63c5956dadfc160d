from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "kejin.apps.credit"
    label = "credit"
    verbose_name = "信用体系"

    def ready(self) -> None:
        from kejin.apps.credit import audit_registry  # noqa: F401, PLC0415

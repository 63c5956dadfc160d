from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "kejin.apps.loans"
    label = "loans"
    verbose_name = "贷款与科技小额贷款"

    def ready(self) -> None:
        from kejin.apps.loans import audit_registry  # noqa: F401, PLC0415

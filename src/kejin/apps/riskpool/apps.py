from django.apps import AppConfig


class RiskpoolConfig(AppConfig):
    name = "kejin.apps.riskpool"
    label = "riskpool"
    verbose_name = "风险补偿资金池"

    def ready(self) -> None:
        from kejin.apps.riskpool import audit_registry  # noqa: F401, PLC0415

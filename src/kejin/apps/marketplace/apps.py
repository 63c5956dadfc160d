from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "kejin.apps.marketplace"
    label = "marketplace"
    verbose_name = "金融服务超市"

    def ready(self) -> None:
        from kejin.apps.marketplace import audit_registry  # noqa: F401, PLC0415

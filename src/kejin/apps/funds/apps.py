from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "kejin.apps.funds"
    label = "funds"
    verbose_name = "专项资金"

    def ready(self) -> None:
        # The fund's reads are loaded with the app, so that every later import of them (the API,
        # other contexts) finds the same modules.
        from kejin.apps.funds import audit_registry, selectors, usage  # noqa: F401, PLC0415

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "kejin.apps.enterprises"
    label = "enterprises"
    verbose_name = "企业信息与科技型中小企业评价"

    def ready(self) -> None:
        from kejin.apps.enterprises import audit_registry  # noqa: F401, PLC0415

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "kejin.apps.orgs"
    label = "orgs"
    verbose_name = "参与方与权限"

    def ready(self) -> None:
        from kejin.apps.orgs import audit_registry  # noqa: F401, PLC0415

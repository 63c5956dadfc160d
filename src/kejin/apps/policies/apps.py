from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "kejin.apps.policies"
    label = "policies"
    verbose_name = "政策与扶持项目"

    def ready(self) -> None:
        from kejin.apps.policies import audit_registry  # noqa: F401, PLC0415

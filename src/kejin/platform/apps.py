from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "kejin.platform"
    label = "platform"
    verbose_name = "平台基础"

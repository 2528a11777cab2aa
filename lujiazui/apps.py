from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LujiazuiConfig(AppConfig):
    name = "lujiazui"
    verbose_name = _("Site")

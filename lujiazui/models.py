"""Site-wide settings staff edit in the admin: the filing numbers and the office's contact
details shown in every page's footer and in the privacy notice."""

import re

from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from . import pagecache
from .chinese import DerivesTraditional

CACHE_KEY = "site-settings"
# Every page's footer reads the settings: from the cache, not the database. A saved change
# clears the cache once committed; with Django's default per-process cache, other workers
# see it within this many seconds.
CACHE_SECONDS = 60
PUBLIC_SECURITY_DIGITS = r"(?<!\d)\d{14}(?!\d)"
MIIT_FILING_URL = "https://beian.miit.gov.cn/"
MPS_FILING_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


class SiteSettings(DerivesTraditional):
    icp_filing = models.CharField(
        _("ICP filing number"),
        max_length=50,
        blank=True,
        help_text=_("As issued by the MIIT, for example 沪ICP备2020000000号-1."),
    )
    public_security_filing = models.CharField(
        _("public security filing number"),
        max_length=50,
        blank=True,
        validators=[
            RegexValidator(
                PUBLIC_SECURITY_DIGITS, _("The number must contain its 14 digits."), "digits"
            )
        ],
        help_text=_("For example 沪公网安备31011502000000号."),
    )
    office_name = models.CharField(_("office"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        self.forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget()
        return result

    @staticmethod
    def forget():
        """Clear the cached settings now, and again once the change is committed: a request
        that read the old row meanwhile may have cached it again."""
        cache.delete(CACHE_KEY)
        transaction.on_commit(SiteSettings.forget_committed)

    @classmethod
    def forget_committed(cls):
        """After the commit: clear the cached settings, then mark the table changed again,
        so that no page stored between the commit's own mark and the clearing (with the old
        settings from the cache) is served."""
        cache.delete(CACHE_KEY)
        pagecache.changed({cls._meta.db_table})

    @classmethod
    def load(cls):
        """The settings, from the cache when it has them; unsaved defaults if never saved."""
        pagecache.note_read(cls._meta.db_table)
        try:
            current = cache.get(CACHE_KEY)
        except RedisError:  # every page's footer reads them: go on without the cache
            return cls.objects.filter(pk=1).first() or cls(pk=1)
        if current is None:
            current = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(CACHE_KEY, current, CACHE_SECONDS)
        return current

    @property
    def icp_url(self):
        return MIIT_FILING_URL

    @property
    def public_security_code(self):
        match = re.search(PUBLIC_SECURITY_DIGITS, self.public_security_filing)
        return match.group() if match else ""

    @property
    def public_security_url(self):
        code = self.public_security_code
        return MPS_FILING_URL.format(code=code) if code else ""

    @property
    def has_contact(self):
        return any([self.address, self.phone, self.email, self.office_hours])

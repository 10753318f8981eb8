"""Secrecy levels (密级, R-19), ordered: a user cleared for a level is cleared for those below.

No models here, so that recordings and accounts can name the levels without importing the
access app's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecrecyLevel(models.IntegerChoices):
    ORDINARY = 0, _("普通")
    PERSONAL_PRIVACY = 1, _("个人隐私")
    COMMERCIAL_SECRET = 2, _("商业秘密")
    STATE_SECRET = 3, _("国家秘密")


# Above ordinary: a second approval by the secrecy officer, never a download, no thumbnails.
PROTECTED = SecrecyLevel.PERSONAL_PRIVACY
# Listed only to users cleared for it.
LISTED_ONLY_WHEN_CLEARED = SecrecyLevel.STATE_SECRET
STATE_SECRET = SecrecyLevel.STATE_SECRET

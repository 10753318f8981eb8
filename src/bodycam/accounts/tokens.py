"""API tokens: issued to their owner (or by the server's operator on the command line), stored
hashed, expiring, revocable by their owner or an administrator; each issue and revocation is a
ledger entry. Nobody, the administrator included, can read a key after it was shown once."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bodycam.accounts.models import AccountChange, ApiToken, User
from bodycam.ledger.entries import record
from bodycam.ledger.models import Action
from bodycam.lib.errors import Refused

KEY_PREFIX = "bc_"
SHOWN = 11  # "bc_" and 8 characters: enough to recognise a token, useless to sign in with
USE_RECORDED_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its key, which exists only here: it is never stored."""

    token: ApiToken
    key: str


def digest(key: str) -> str:
    """What is stored of a key: its SHA-256 (the key has 256 random bits; no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


@transaction.atomic
def issue_token(
    user: User, actor: User | None, *, name: str = "", days: int | None = None
) -> IssuedToken:
    """A new token for `user`. On pages and in the API `actor` is `user` themselves: nobody
    obtains a key that acts as someone else. The command line (actor None) is the operator."""
    if actor is not None and actor.pk != user.pk:
        raise Refused(_("只能为自己签发 API 令牌。"), code="not_your_token", http_status=403)
    if not user.is_active:
        raise Refused(
            _("账户 %(name)s 已停用，不能签发令牌。"), code="inactive", name=user.username
        )
    lifetime = days if days is not None else settings.API_TOKEN_DAYS
    if not 1 <= lifetime <= settings.API_TOKEN_MAX_DAYS:
        raise Refused(
            _("令牌有效期应为 1 到 %(most)s 天。"), code="invalid_lifetime",
            most=settings.API_TOKEN_MAX_DAYS,
        )  # fmt: skip
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=key[:SHOWN],
        digest=digest(key),
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=lifetime),
    )
    expires = token.expires_at.isoformat()
    record(Action.USER_CHANGE, user, actor, change=AccountChange.TOKEN_ISSUED,
           token=token.prefix, name=token.name, expires_at=expires)  # fmt: skip
    return IssuedToken(token, key)


@transaction.atomic
def revoke_token(token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke a token at once (its owner, an administrator, or the operator)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if actor is not None and not ApiToken.objects.restrict(actor, "revoke").filter(pk=token.pk):
        raise Refused(_("只有令牌的持有人或系统管理员可以吊销它。"), code="not_permitted",
                      http_status=403)  # fmt: skip
    if token.revoked_at is not None:
        raise Refused(_("令牌 %(prefix)s… 已经吊销过了。"), code="already_revoked",
                      http_status=409, prefix=token.prefix)  # fmt: skip
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record(Action.USER_CHANGE, token.user, actor, change=AccountChange.TOKEN_REVOKED,
           token=token.prefix)  # fmt: skip
    return token


def token_by_prefix(prefix: str) -> ApiToken:
    """The one token whose key starts with `prefix` (as shown), or Refused."""
    found = list(ApiToken.objects.filter(prefix=prefix.strip().removesuffix("…")[:SHOWN])[:2])
    if len(found) != 1:
        raise Refused(_("没有前缀为 %(prefix)s 的令牌。"), code="not_found", http_status=404,
                      prefix=prefix)  # fmt: skip
    return found[0]


INVALID = _("令牌无效、已过期或已被吊销，请向系统申请新的令牌。")


def user_for_key(key: str) -> tuple[User, ApiToken]:
    """Who a key signs in as; Refused (401) for an unknown, expired or revoked key, or an
    inactive owner. Recent use is noted on the token, at most every few minutes."""
    token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise Refused(INVALID, code="invalid_token", http_status=401)
    if not token.user.is_active:
        raise Refused(INVALID, code="invalid_token", http_status=401)
    if token.last_used_at is None or token.last_used_at < now - USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


def status_of(token: ApiToken) -> str:
    """有效, 已过期 or 已吊销, as a person reads it."""
    if token.revoked_at is not None:
        return str(_("已吊销"))
    if token.expires_at <= timezone.now():
        return str(_("已过期"))
    return str(_("有效"))

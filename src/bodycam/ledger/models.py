"""Rows of the custody ledger. Entries and signed heads are append-only: the models refuse
changes, and database triggers (guards.py) refuse them too."""

import json
from typing import Any, Self, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from bodycam.lib.restrict import RestrictedQuerySet

_M_co = TypeVar("_M_co", bound=models.Model, covariant=True)


class Action(models.TextChoices):
    INGEST = "ingest", _("采集入库")
    DUPLICATE_SEEN = "duplicate_seen", _("重复文件")
    EMPTY_FILE = "empty_file", _("空文件")
    METADATA_CHANGE = "metadata_change", _("元数据变更")
    TAG_CHANGE = "tag_change", _("标注变更")
    LINK_CHANGE = "link_change", _("关联变更")
    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载")
    EXPORT = "export", _("导出")
    REQUEST = "request", _("查阅申请")
    APPROVE = "approve", _("批准")
    DENY = "deny", _("驳回")
    REVOKE = "revoke", _("撤销")
    REGISTER = "register", _("登记")
    RETENTION_CHANGE = "retention_change", _("保存期限变更")
    HOLD = "hold", _("保全")
    DISPOSAL = "disposal", _("销毁")
    VERIFICATION = "verification", _("完整性核验")
    DEVICE_EVENT = "device_event", _("设备事件")
    ACTIVITY_EVENT = "activity_event", _("执法活动事件")
    USER_CHANGE = "user_change", _("用户变更")
    LOGIN_FAILURE = "login_failure", _("登录失败")
    ACCESS_DENIED = "access_denied", _("拒绝访问")
    COMPLIANCE = "compliance", _("合规检查")
    SPOT_CHECK = "spot_check", _("执法监督抽查")
    ACCOUNTABILITY = "accountability", _("执法过错责任追究")


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete an append-only row."""


class AppendOnlyModel(models.Model):
    """A row that is written once: saving an existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRowError(f"{type(self).__name__} rows cannot be deleted")


class AppendOnlyQuerySet(RestrictedQuerySet[_M_co]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError(f"{self.model.__name__} rows cannot be changed")

    def delete(self) -> Any:
        raise ImmutableRowError(f"{self.model.__name__} rows cannot be deleted")


class LedgerEntryQuerySet(AppendOnlyQuerySet["LedgerEntry"]):
    def scope(self, user: Any, action: str) -> Self:
        """Auditors and the head read everything; others the custody history of whatever they
        may see, their own actions and their own account's entries (subjects.visible_to)."""
        from bodycam.ledger.subjects import visible_to

        if action != "view":
            return self.none()
        if user.has_perm("ledger.view_all_entries"):
            return self
        return self.filter(visible_to(user))

    def about(self, thing: Any) -> Self:
        """The entries about one object (a model instance or an entries.Subject)."""
        from bodycam.ledger.entries import Subject

        subject = Subject.of(thing)
        return self.filter(subject_kind=subject.kind, subject_id=subject.id)


class LedgerEntry(AppendOnlyModel):
    """One event in the custody ledger; its canonical bytes (entries.canonical_bytes) are a
    leaf of the Merkle tree, its sequence number is the leaf index."""

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    time = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=100, blank=True)
    actor_badge = models.CharField(_("警号"), max_length=30, blank=True)
    action = models.CharField(_("事项"), max_length=30, choices=Action.choices, db_index=True)
    subject_kind = models.CharField(_("对象类型"), max_length=30, blank=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_sha256 = models.CharField(_("内容 SHA-256"), max_length=64, blank=True)
    # Canonical JSON text, so every database returns exactly the bytes that were hashed.
    payload_json = models.TextField(_("内容"), default="{}")
    leaf_hash = models.BinaryField(_("叶哈希"), max_length=32)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("监管链日志条目")
        verbose_name_plural = _("监管链日志条目")
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="ledger_subject")]
        permissions = [("view_all_entries", "Read every ledger entry")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject_kind}:{self.subject_id}"

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json)


class LedgerSubtree(AppendOnlyModel):
    """The cached hash of a complete subtree: 2**level leaves from index * 2**level.

    Derived data, filled as the log grows (tree.extend_cache) so that proofs at millions of
    entries need no rebuild; `bodycam ledger verify` recomputes and checks every one.
    """

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="one_hash_per_subtree")
        ]

    def __str__(self) -> str:
        return f"subtree {self.level}/{self.index}"


class SignedHead(AppendOnlyModel):
    """A signed checkpoint (签名树头): the tree's size and root, signed with Ed25519 as a C2SP
    signed note. `note` is kept exactly as signed."""

    tree_size = models.BigIntegerField(_("日志条数"), db_index=True)
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    signed_at = models.DateTimeField(_("签名时间"))
    note = models.TextField(_("签名树头"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("签名树头")
        verbose_name_plural = _("签名树头")
        ordering = ["-tree_size", "-signed_at"]

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


class LedgerState(models.Model):
    """The single row that hands out sequence numbers; locked by each append, so numbers are
    gap-free and committed entries always form a prefix of the log."""

    next_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"next {self.next_seq}"

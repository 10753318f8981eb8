"""Typed readers for the BODYCAM_* environment variables.

Every reader returns the default when the variable is unset or empty, and raises
ImproperlyConfigured with a bilingual message when it is set to something unusable,
so that a bad configuration stops start-up instead of surfacing later.
"""

import os
from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def refuse(name: str, value: str, expected_zh: str, expected_en: str) -> ImproperlyConfigured:
    """The error for a variable whose value cannot be used."""
    return ImproperlyConfigured(
        f"配置错误：环境变量 {name}={value!r} 无效，应为{expected_zh}。"
        f" / Configuration error: {name}={value!r} is invalid, expected {expected_en}."
    )


def env_str(name: str, default: str) -> str:
    """A string variable."""
    return _raw(name) or default


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/0, true/false, yes/no, on/off."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise refuse(name, value, "true 或 false", "true or false")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    """An integer variable, optionally bounded below."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise refuse(name, value, "整数", "an integer") from None
    if minimum is not None and number < minimum:
        raise refuse(name, value, f"不小于 {minimum} 的整数", f"an integer >= {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list variable."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """A filesystem path variable, made absolute against the working directory."""
    value = _raw(name)
    return (Path(value) if value else default).expanduser().absolute()


def env_secret(name: str) -> str | None:
    """A secret given directly (NAME) or, preferably, as a file to read (NAME_FILE)."""
    path = _raw(f"{name}_FILE")
    if path is not None:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise refuse(f"{name}_FILE", path, "可读取的文件", "a readable file") from exc
    return _raw(name)


def env_date(name: str, default: date) -> date:
    """A calendar date variable in ISO form, YYYY-MM-DD."""
    value = _raw(name)
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refuse(name, value, "日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)") from None


PERMANENT_WORDS = ("permanent", "永久")


def env_periods(name: str, default: str) -> dict[str, int | None]:
    """Retention periods "name=years,…" (years a whole number of at least 1, or "permanent" /
    "永久" for None): the bureau's list, never below one year whatever an entry is called."""
    value = _raw(name) or default
    periods: dict[str, int | None] = {}
    for item in (part.strip() for part in value.split(",")):
        label, equals, years = item.partition("=")
        years = years.strip()
        if not item or not equals or not label.strip():
            raise refuse(name, value, "“名称=年数”或“名称=永久”，以逗号分隔",
                         '"name=years" or "name=permanent", comma-separated')  # fmt: skip
        if years.lower() in PERMANENT_WORDS:
            periods[label.strip()] = None
            continue
        if not years.isdigit() or int(years) < 1:
            raise refuse(name, value, f"不少于 1 年的整数年数（“{label.strip()}”为 {years!r}）",
                         f"whole years of at least 1 ({label.strip()!r} is {years!r})")  # fmt: skip
        periods[label.strip()] = int(years)
    return periods

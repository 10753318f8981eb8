"""执法音像记录管理系统 — the central system for body-worn recorders and their recordings."""

__version__ = "0.1.0"

"""The database refuses an early disposal whatever the SQL (R-14): setting a recording's
disposed_at while it is evidence, under an active hold, kept for ever or not yet past its
retain-until, or changing disposed_at once set. Frozen into migration 0002 of this app."""

MESSAGE = "recording may not be disposed of (音像记录不得销毁：证据、保全或未到保存期限)"

_BLOCKED = (
    "OLD.disposed_at IS NOT NULL"
    " OR NEW.retain_until IS NULL OR NEW.retain_until > NEW.disposed_at"
    " OR EXISTS (SELECT 1 FROM evidence_evidenceuse e WHERE e.recording_id = NEW.id)"
    " OR EXISTS (SELECT 1 FROM retention_hold h WHERE h.recording_id = NEW.id"
    " AND h.released_at IS NULL)"
)

INSTALL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS recordings_recording_no_early_disposal "
        "BEFORE UPDATE OF disposed_at ON recordings_recording "
        "WHEN NEW.disposed_at IS NOT OLD.disposed_at "
        f"AND (NEW.disposed_at IS NULL OR {_BLOCKED}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION recording_refuse_early_disposal() RETURNS trigger AS $$ "
        "BEGIN IF (NEW.disposed_at IS DISTINCT FROM OLD.disposed_at) AND "
        f"(NEW.disposed_at IS NULL OR {_BLOCKED}) THEN RAISE EXCEPTION '{MESSAGE}'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE TRIGGER recordings_recording_no_early_disposal "
        "BEFORE UPDATE OF disposed_at ON recordings_recording FOR EACH ROW "
        "EXECUTE FUNCTION recording_refuse_early_disposal()",
    ],
}
REMOVE = {
    "sqlite": ["DROP TRIGGER IF EXISTS recordings_recording_no_early_disposal"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS recordings_recording_no_early_disposal ON recordings_recording",
        "DROP FUNCTION IF EXISTS recording_refuse_early_disposal()",
    ],
}

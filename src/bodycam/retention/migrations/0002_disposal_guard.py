"""A database trigger refusing early disposal (R-14); its SQL copied from retention/guards.py
as it was when this migration was written."""

from django.db import migrations

INSTALL = {'postgresql': ['CREATE OR REPLACE FUNCTION recording_refuse_early_disposal() RETURNS trigger AS '
                '$$ BEGIN IF (NEW.disposed_at IS DISTINCT FROM OLD.disposed_at) AND '
                '(NEW.disposed_at IS NULL OR OLD.disposed_at IS NOT NULL OR NEW.retain_until IS '
                'NULL OR NEW.retain_until > NEW.disposed_at OR EXISTS (SELECT 1 FROM '
                'evidence_evidenceuse e WHERE e.recording_id = NEW.id) OR EXISTS (SELECT 1 FROM '
                'retention_hold h WHERE h.recording_id = NEW.id AND h.released_at IS NULL)) THEN '
                "RAISE EXCEPTION 'recording may not be disposed of (音像记录不得销毁：证据、保全或未到保存期限)'; END "
                'IF; RETURN NEW; END $$ LANGUAGE plpgsql',
                'CREATE OR REPLACE TRIGGER recordings_recording_no_early_disposal BEFORE UPDATE OF '
                'disposed_at ON recordings_recording FOR EACH ROW EXECUTE FUNCTION '
                'recording_refuse_early_disposal()'],
 'sqlite': ['CREATE TRIGGER IF NOT EXISTS recordings_recording_no_early_disposal BEFORE UPDATE OF '
            'disposed_at ON recordings_recording WHEN NEW.disposed_at IS NOT OLD.disposed_at AND '
            '(NEW.disposed_at IS NULL OR OLD.disposed_at IS NOT NULL OR NEW.retain_until IS NULL '
            'OR NEW.retain_until > NEW.disposed_at OR EXISTS (SELECT 1 FROM evidence_evidenceuse e '
            'WHERE e.recording_id = NEW.id) OR EXISTS (SELECT 1 FROM retention_hold h WHERE '
            'h.recording_id = NEW.id AND h.released_at IS NULL)) BEGIN SELECT RAISE(ABORT, '
            "'recording may not be disposed of (音像记录不得销毁：证据、保全或未到保存期限)'); END"]}
REMOVE = {'postgresql': ['DROP TRIGGER IF EXISTS recordings_recording_no_early_disposal ON '
                'recordings_recording',
                'DROP FUNCTION IF EXISTS recording_refuse_early_disposal()'],
 'sqlite': ['DROP TRIGGER IF EXISTS recordings_recording_no_early_disposal']}

def install(apps, schema_editor):
    _run(schema_editor, INSTALL)


def remove(apps, schema_editor):
    _run(schema_editor, REMOVE)


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for sql in statements[schema_editor.connection.vendor]:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("evidence", "0001_initial"),
        ("recordings", "0007_retention"),
    ]

    operations = [migrations.RunPython(install, remove)]

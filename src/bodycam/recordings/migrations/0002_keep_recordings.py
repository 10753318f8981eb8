"""Database triggers refusing DELETE of recordings and derived copies (R-11, R-14).

The SQL is frozen here as it was when this migration was written: a later change to
ledger/guards.py must come as a new migration, never by changing what this one did.
"""

from django.db import migrations

STATEMENTS = {'sqlite': {'install': ['CREATE TRIGGER IF NOT EXISTS recordings_recording_no_delete BEFORE '
                        "DELETE ON recordings_recording BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS recordings_recording_no_rehash BEFORE '
                        'UPDATE OF sha256, size ON recordings_recording BEGIN SELECT '
                        "RAISE(ABORT, 'custody records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS recordings_derivedcopy_no_delete BEFORE '
                        "DELETE ON recordings_derivedcopy BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS recordings_derivedcopy_no_rehash BEFORE '
                        'UPDATE OF sha256, size ON recordings_derivedcopy BEGIN SELECT '
                        "RAISE(ABORT, 'custody records are append-only (监管链记录不可修改或删除)'); END"],
            'remove': ['DROP TRIGGER IF EXISTS recordings_recording_no_delete',
                       'DROP TRIGGER IF EXISTS recordings_recording_no_rehash',
                       'DROP TRIGGER IF EXISTS recordings_derivedcopy_no_delete',
                       'DROP TRIGGER IF EXISTS recordings_derivedcopy_no_rehash',
                       'DROP TRIGGER IF EXISTS recordings_recording_no_truncate',
                       'DROP TRIGGER IF EXISTS recordings_derivedcopy_no_truncate']},
 'postgresql': {'install': ['CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger '
                            "AS $$ BEGIN RAISE EXCEPTION 'custody records are append-only "
                            "(监管链记录不可修改或删除)'; END $$ LANGUAGE plpgsql",
                            'CREATE OR REPLACE TRIGGER recordings_recording_no_delete BEFORE '
                            'DELETE ON recordings_recording FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER recordings_recording_no_rehash BEFORE '
                            'UPDATE OF sha256, size ON recordings_recording FOR EACH ROW '
                            'EXECUTE FUNCTION ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER recordings_derivedcopy_no_delete BEFORE '
                            'DELETE ON recordings_derivedcopy FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER recordings_derivedcopy_no_rehash BEFORE '
                            'UPDATE OF sha256, size ON recordings_derivedcopy FOR EACH ROW '
                            'EXECUTE FUNCTION ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER recordings_recording_no_truncate BEFORE '
                            'TRUNCATE ON recordings_recording FOR EACH STATEMENT EXECUTE '
                            'FUNCTION ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER recordings_derivedcopy_no_truncate '
                            'BEFORE TRUNCATE ON recordings_derivedcopy FOR EACH STATEMENT '
                            'EXECUTE FUNCTION ledger_refuse_change()'],
                'remove': ['DROP TRIGGER IF EXISTS recordings_recording_no_delete ON '
                           'recordings_recording',
                           'DROP TRIGGER IF EXISTS recordings_recording_no_rehash ON '
                           'recordings_recording',
                           'DROP TRIGGER IF EXISTS recordings_derivedcopy_no_delete ON '
                           'recordings_derivedcopy',
                           'DROP TRIGGER IF EXISTS recordings_derivedcopy_no_rehash ON '
                           'recordings_derivedcopy',
                           'DROP TRIGGER IF EXISTS recordings_recording_no_truncate ON '
                           'recordings_recording',
                           'DROP TRIGGER IF EXISTS recordings_derivedcopy_no_truncate ON '
                           'recordings_derivedcopy']}}


def install(apps, schema_editor):
    _run(schema_editor, "install")


def remove(apps, schema_editor):
    _run(schema_editor, "remove")


def _run(schema_editor, what):
    with schema_editor.connection.cursor() as cursor:
        for sql in STATEMENTS[schema_editor.connection.vendor][what]:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("recordings", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]

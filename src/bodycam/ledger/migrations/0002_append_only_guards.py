"""Database triggers refusing UPDATE and DELETE on the ledger tables, and the state row.

The SQL is frozen here as it was when this migration was written: a later change to
ledger/guards.py must come as a new migration, never by changing what this one did.
"""

from django.db import migrations

STATEMENTS = {'sqlite': {'install': ['CREATE TRIGGER IF NOT EXISTS ledger_ledgerentry_no_update BEFORE '
                        "UPDATE ON ledger_ledgerentry BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS ledger_ledgerentry_no_delete BEFORE '
                        "DELETE ON ledger_ledgerentry BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS ledger_signedhead_no_update BEFORE '
                        "UPDATE ON ledger_signedhead BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS ledger_signedhead_no_delete BEFORE '
                        "DELETE ON ledger_signedhead BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS ledger_ledgersubtree_no_update BEFORE '
                        "UPDATE ON ledger_ledgersubtree BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END",
                        'CREATE TRIGGER IF NOT EXISTS ledger_ledgersubtree_no_delete BEFORE '
                        "DELETE ON ledger_ledgersubtree BEGIN SELECT RAISE(ABORT, 'custody "
                        "records are append-only (监管链记录不可修改或删除)'); END"],
            'remove': ['DROP TRIGGER IF EXISTS ledger_ledgerentry_no_update',
                       'DROP TRIGGER IF EXISTS ledger_ledgerentry_no_delete',
                       'DROP TRIGGER IF EXISTS ledger_signedhead_no_update',
                       'DROP TRIGGER IF EXISTS ledger_signedhead_no_delete',
                       'DROP TRIGGER IF EXISTS ledger_ledgersubtree_no_update',
                       'DROP TRIGGER IF EXISTS ledger_ledgersubtree_no_delete',
                       'DROP TRIGGER IF EXISTS ledger_ledgerentry_no_truncate',
                       'DROP TRIGGER IF EXISTS ledger_signedhead_no_truncate',
                       'DROP TRIGGER IF EXISTS ledger_ledgersubtree_no_truncate']},
 'postgresql': {'install': ['CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger '
                            "AS $$ BEGIN RAISE EXCEPTION 'custody records are append-only "
                            "(监管链记录不可修改或删除)'; END $$ LANGUAGE plpgsql",
                            'CREATE OR REPLACE TRIGGER ledger_ledgerentry_no_update BEFORE '
                            'UPDATE ON ledger_ledgerentry FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_ledgerentry_no_delete BEFORE '
                            'DELETE ON ledger_ledgerentry FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_signedhead_no_update BEFORE '
                            'UPDATE ON ledger_signedhead FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_signedhead_no_delete BEFORE '
                            'DELETE ON ledger_signedhead FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_ledgersubtree_no_update BEFORE '
                            'UPDATE ON ledger_ledgersubtree FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_ledgersubtree_no_delete BEFORE '
                            'DELETE ON ledger_ledgersubtree FOR EACH ROW EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_ledgerentry_no_truncate BEFORE '
                            'TRUNCATE ON ledger_ledgerentry FOR EACH STATEMENT EXECUTE '
                            'FUNCTION ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_signedhead_no_truncate BEFORE '
                            'TRUNCATE ON ledger_signedhead FOR EACH STATEMENT EXECUTE FUNCTION '
                            'ledger_refuse_change()',
                            'CREATE OR REPLACE TRIGGER ledger_ledgersubtree_no_truncate BEFORE '
                            'TRUNCATE ON ledger_ledgersubtree FOR EACH STATEMENT EXECUTE '
                            'FUNCTION ledger_refuse_change()'],
                'remove': ['DROP TRIGGER IF EXISTS ledger_ledgerentry_no_update ON '
                           'ledger_ledgerentry',
                           'DROP TRIGGER IF EXISTS ledger_ledgerentry_no_delete ON '
                           'ledger_ledgerentry',
                           'DROP TRIGGER IF EXISTS ledger_signedhead_no_update ON '
                           'ledger_signedhead',
                           'DROP TRIGGER IF EXISTS ledger_signedhead_no_delete ON '
                           'ledger_signedhead',
                           'DROP TRIGGER IF EXISTS ledger_ledgersubtree_no_update ON '
                           'ledger_ledgersubtree',
                           'DROP TRIGGER IF EXISTS ledger_ledgersubtree_no_delete ON '
                           'ledger_ledgersubtree',
                           'DROP TRIGGER IF EXISTS ledger_ledgerentry_no_truncate ON '
                           'ledger_ledgerentry',
                           'DROP TRIGGER IF EXISTS ledger_signedhead_no_truncate ON '
                           'ledger_signedhead',
                           'DROP TRIGGER IF EXISTS ledger_ledgersubtree_no_truncate ON '
                           'ledger_ledgersubtree']}}


def install(apps, schema_editor):
    _run(schema_editor, "install")


def remove(apps, schema_editor):
    _run(schema_editor, "remove")


def _run(schema_editor, what):
    with schema_editor.connection.cursor() as cursor:
        for sql in STATEMENTS[schema_editor.connection.vendor][what]:
            cursor.execute(sql)


def create_state(apps, schema_editor):
    apps.get_model("ledger", "LedgerState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(install, remove),
        migrations.RunPython(create_state, migrations.RunPython.noop),
    ]

"""Database triggers refusing UPDATE and DELETE on the ledger tables, and the state row."""

from django.db import migrations

from bodycam.ledger import guards


def install(apps, schema_editor):
    guards.install(schema_editor.connection)


def remove(apps, schema_editor):
    guards.remove(schema_editor.connection)


def create_state(apps, schema_editor):
    apps.get_model("ledger", "LedgerState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(install, remove),
        migrations.RunPython(create_state, migrations.RunPython.noop),
    ]

"""Database triggers refusing DELETE of recordings and derived copies (R-11, R-14)."""

from django.db import migrations

from bodycam.ledger import guards


def install(apps, schema_editor):
    guards.install(schema_editor.connection, guards.RECORDING_TABLES)


def remove(apps, schema_editor):
    guards.remove(schema_editor.connection, guards.RECORDING_TABLES)


class Migration(migrations.Migration):
    dependencies = [("recordings", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]

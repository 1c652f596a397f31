"""PostgreSQL only: trigram (pg_trgm) GIN indexes for the project search, which is
`UPPER(col::text) LIKE UPPER('%q%')` over number, name and client (Django's icontains). Chinese
text gets trigrams too (the database's ctype classifies CJK as letters). Other databases keep
the plain scan; nothing is created there."""

from django.db import migrations

COLUMNS = ("number", "name", "client_name")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS project_{column}_trgm ON projects_project "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS project_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_scale_reminder_due")]
    operations = [migrations.RunPython(create, drop)]

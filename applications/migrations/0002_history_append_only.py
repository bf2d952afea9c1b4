from django.db import migrations

# History is append-only: on PostgreSQL the database itself refuses to change or delete an entry
# (TRUNCATE, an administrator's operation that test databases use to reset, stays possible).
FORWARD = """
CREATE OR REPLACE FUNCTION applications_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'applications_historyentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER applications_history_append_only
    BEFORE UPDATE OR DELETE ON applications_historyentry
    FOR EACH ROW EXECUTE FUNCTION applications_history_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS applications_history_append_only ON applications_historyentry;
DROP FUNCTION IF EXISTS applications_history_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]

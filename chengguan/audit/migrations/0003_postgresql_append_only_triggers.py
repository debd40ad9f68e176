"""On PostgreSQL, triggers refuse UPDATE and DELETE of audit entries, and any move of the head
other than one entry forward.

They stop the application and anyone with ordinary table rights. A database superuser (or the
table's owner) can still disable or drop them, or TRUNCATE the table (which fires no row trigger;
the test suite's flush needs it); that is why `chengguan audit verify` recomputes the chain. SQLite
has no such protection: there the model, its query set and the verification are the defence.
"""

from django.db import migrations

ENTRY_FUNCTION = "audit_entry_refuse_change"
ENTRY_TRIGGER = "audit_entry_append_only"
HEAD_FUNCTION = "audit_head_guard"
HEAD_TRIGGER = "audit_head_forward_only"


def _tables(apps):
    return (
        apps.get_model("audit", "AuditEntry")._meta.db_table,
        apps.get_model("audit", "AuditHead")._meta.db_table,
    )


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries, head = _tables(apps)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {ENTRY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only: % of audit entry % refused', TG_OP, OLD.seq
                USING ERRCODE = 'restrict_violation';
        END;
        $$;
        CREATE TRIGGER {ENTRY_TRIGGER} BEFORE UPDATE OR DELETE ON {entries}
            FOR EACH ROW EXECUTE FUNCTION {ENTRY_FUNCTION}();

        CREATE OR REPLACE FUNCTION {HEAD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'the audit head cannot be deleted' USING ERRCODE = 'restrict_violation';
            END IF;
            IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
                RAISE EXCEPTION 'the audit head moves one entry forward at a time, not from % to %',
                    OLD.seq, NEW.seq USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN NEW;
        END;
        $$;
        CREATE TRIGGER {HEAD_TRIGGER} BEFORE UPDATE OR DELETE ON {head}
            FOR EACH ROW EXECUTE FUNCTION {HEAD_FUNCTION}();
        """,
        params=None,  # no placeholders: the % in RAISE are PL/pgSQL's
    )


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries, head = _tables(apps)
    schema_editor.execute(
        f"""
        DROP TRIGGER IF EXISTS {ENTRY_TRIGGER} ON {entries};
        DROP FUNCTION IF EXISTS {ENTRY_FUNCTION}();
        DROP TRIGGER IF EXISTS {HEAD_TRIGGER} ON {head};
        DROP FUNCTION IF EXISTS {HEAD_FUNCTION}();
        """
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_audit_head_row")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]

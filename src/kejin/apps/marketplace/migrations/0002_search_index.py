"""Full-text indexes over ``search_terms`` (see kejin.apps.marketplace.search).

SQLite: an FTS5 table per searchable model (external content: the model's own table), filled from
the existing rows and kept in sync by triggers. PostgreSQL: a GIN index on
``to_tsvector('simple', search_terms)``. Other backends: nothing (search falls back to LIKE).

Note for later migrations on SQLite: Django rebuilds a table to alter a column, which drops its
triggers. A migration that alters one of these tables must recreate them (call ``create`` below);
``tests/apps/marketplace/test_search.py`` fails if the index stops following the rows.
"""

from django.db import migrations

TABLES = ("marketplace_product", "marketplace_demand", "marketplace_crowdfundingproject")


def sqlite_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_terms, content='{table}', "
        f"content_rowid='id', tokenize='unicode61')",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_terms) VALUES (new.id, new.search_terms); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); "
        f"INSERT INTO {fts}(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for sql in sqlite_statements(table):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX {table}_terms_gin ON {table} "
                f"USING GIN (to_tsvector('simple', search_terms))"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_terms_gin")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

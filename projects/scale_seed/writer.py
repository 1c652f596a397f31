"""Bulk row writer of the scale seed: PostgreSQL COPY, or batched INSERTs elsewhere (SQLite).

Rows are tuples in the order of the given columns; ids are allocated by the caller from
`next_id` so related rows can be written without reading anything back.
"""

import json

from django.db import connection

BATCH = 5000


def _quote(name):
    return connection.ops.quote_name(name)


class Writer:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._next: dict[str, int] = {}

    def fast_load(self):
        """PostgreSQL, inside the load's transaction: skip the per-row foreign-key triggers (the
        rows are consistent by construction) when the role may; otherwise load as usual."""
        if not self.pg:
            return
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass

    def next_id(self, model) -> int:
        """The next free id of the model's table (then counted locally)."""
        table = model._meta.db_table
        if table not in self._next:
            with connection.cursor() as cur:
                cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote(table)}")
                self._next[table] = cur.fetchone()[0] + 1
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def write(self, model_or_table, columns, rows):
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        cols = ", ".join(_quote(c) for c in columns)
        n = 0
        with connection.cursor() as cur:
            if self.pg:
                with cur.cursor.copy(f"COPY {_quote(table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                sql = f"INSERT INTO {_quote(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        cur.executemany(sql, batch)
                        n += len(batch)
                        batch = []
                if batch:
                    cur.executemany(sql, batch)
                    n += len(batch)
        self.counts[table] = self.counts.get(table, 0) + n
        return n

    def finish(self):
        """PostgreSQL: move each id sequence past the ids written here; refresh statistics."""
        if not self.pg:
            return
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = DEFAULT")
            for table in self._next:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {_quote(table)}))",
                    [table],
                )


def js(value) -> str:
    """A JSON column's value as text (COPY and SQLite both take the text form)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

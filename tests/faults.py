"""A database that stops answering, for the tests of what a request does then."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection


def is_transaction_control(sql: str) -> bool:
    return sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))


@contextmanager
def database_down_from(statement: str) -> Iterator[list[str]]:
    """From the first SQL statement starting with `statement` on, every query fails as it
    would with the database server gone (transaction control aside, so the test's own
    bookkeeping stays sound)."""
    seen: list[str] = []

    def fail(execute, sql, params, many, context):
        if not seen and sql.startswith(statement):
            seen.append(sql)
        if seen and not is_transaction_control(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield seen
    assert seen, f"no statement started with {statement!r}"

"""insert(): store a new model instance as Model.save() does, with its INSERT built once.

Building the statement was most of what Model.save() cost a comment-check: every column name
quoted and the compiler walked for each row, twice per comment, inside the write transaction
(bench/README.md). The statement comes from Django's own compiler, once per model and
database; each call only prepares the values, as the compiler would, and sends the same
pre_save / post_save signals.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

# (model, database alias) -> (SQL, fields in its column order, whether it returns the pk)
_statements: dict[tuple[type[Model], str], tuple[str, list[Field[Any, Any]], bool]] = {}


def insert(instance: Model) -> None:
    """INSERT `instance`, a new row with no primary key yet, and set its primary key.

    For a model with an auto-increment primary key, no parent model, not a proxy, and fields
    that take plain values (not expressions); anything else goes through instance.save().
    """
    model, meta = type(instance), instance._meta
    plain = meta.auto_field and not (meta.parents or meta.proxy or meta.order_with_respect_to)
    if not plain or instance.pk is not None:
        instance.save()
        return
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    # What save() checks first: no unsaved object behind a foreign key or generic relation.
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    sql, fields, returns_pk = _statement(model, instance, using)
    # As SQLInsertCompiler prepares each value: pre_save (auto_now_add, ...), then for the db.
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    if any(hasattr(value, "resolve_expression") for value in params):
        raise TypeError(f"insert() takes plain values; use save() for {model.__name__}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returns_pk:  # RETURNING, read as SQLite's, PostgreSQL's and MariaDB's backends do
            (pk,) = cursor.fetchone()
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column or "")
    setattr(instance, meta.pk.attname, pk)
    instance._state.adding, instance._state.db = False, using
    post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using
    )


def _statement(
    model: type[Model], instance: Model, using: str
) -> tuple[str, list[Field[Any, Any]], bool]:
    key = (model, using)
    if key not in _statements:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        query = InsertQuery(model)
        query.insert_values(fields, [instance], raw=False)
        compiler = query.get_compiler(using=using)
        returns_pk = compiler.connection.features.can_return_columns_from_insert
        compiler.returning_fields = [meta.pk] if returns_pk else None
        [(sql, _)] = compiler.as_sql()
        _statements[key] = (sql, fields, returns_pk)
    return _statements[key]

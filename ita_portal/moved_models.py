"""Migration operations for models that moved out of the former `reports` app (issue 13).

The models kept their tables (`Meta.db_table = "reports_…"`), so on a database made by the
earlier code nothing is created or altered: only Django's state changes, and the moved models'
content types (which the audit trail and permissions point at) take their new app label. On a
new database the tables are created as usual. `reports` itself is gone, migrations included.
"""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.operations.base import Operation

FORMER_APP = "reports"


class CreateUnlessMoved(Operation):
    """Run `operations` (the app's CreateModel, AddConstraint, AddIndex…) on the database only
    when `table` does not exist yet; Django's state always gets them."""

    reversible = True

    def __init__(self, table: str, operations: list[Operation]):
        self.table = table
        self.operations = operations

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"table": self.table, "operations": self.operations},
        )

    def state_forwards(self, app_label, state):
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self.table in schema_editor.connection.introspection.table_names():
            return  # made by the former `reports` app: already as the state describes it
        state = from_state
        for operation in self.operations:
            following = state.clone()
            operation.state_forwards(app_label, following)
            operation.database_forwards(app_label, schema_editor, state, following)
            state = following

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        states = [to_state]
        for operation in self.operations[:-1]:
            following = states[-1].clone()
            operation.state_forwards(app_label, following)
            states.append(following)
        after = from_state
        for operation, before in zip(reversed(self.operations), reversed(states), strict=True):
            operation.database_backwards(app_label, schema_editor, after, before)
            after = before

    def describe(self):
        return f"Create the tables of {self.table!r} and its app, unless they exist already"


def adopt_content_types(app_label: str, models: list[str]) -> migrations.RunPython:
    """Give the moved models' content types their new app label (ids, and so audit entries
    and permissions, stay as they are)."""

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if content_type.objects.filter(app_label=app_label, model=model).exists():
                continue
            content_type.objects.filter(app_label=FORMER_APP, model=model).update(
                app_label=app_label
            )

    def backwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.filter(app_label=app_label, model__in=models).update(
            app_label=FORMER_APP
        )

    return migrations.RunPython(forwards, backwards)

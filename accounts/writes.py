"""Writes of many rows at once announced like saves, so that what follows a model (caches) cannot miss one.

Django sends post_save and post_delete for one object at a time; QuerySet.update(), bulk_create(), bulk_update() and
a fast delete send nothing. A model whose manager is built on WriteSignallingQuerySet sends `rows_written` (sender:
the model) after each of them, so a reader of the model connects two signals and no write path has to remember it.
"""

from django.db import models
from django.dispatch import Signal

rows_written = Signal()


class WriteSignallingQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        count = super().update(**kwargs)
        rows_written.send(sender=self.model)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        rows_written.send(sender=self.model)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        count = super().bulk_update(objs, fields, *args, **kwargs)
        rows_written.send(sender=self.model)
        return count

    def delete(self):
        result = super().delete()
        rows_written.send(sender=self.model)
        return result

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True

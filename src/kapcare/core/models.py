"""Model behaviour shared by every app."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyModel(models.Model):
    """A clinical record written once: a change is a new record (a correction or amendment).

    ``save`` on an existing row is a programming error and says what to do instead;
    queryset ``update()`` is left to the few services that move state columns on purpose.
    """

    #: the refusal, naming what to do instead
    append_only_message: ClassVar[str] = "This record is never edited; add a new one."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError(self.append_only_message)
        super().save(*args, **kwargs)

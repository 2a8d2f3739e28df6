"""Where queued tasks of version 0.1 find their code, for one more release.

The tasks now live beside the code they run (``directories.jobs`` and
``directories.services``). A worker resolves a queued task by the dotted path
stored with it, so tasks enqueued before an upgrade still name this module;
drain the queue (let ``db_worker`` finish) before the release that drops it.
"""

from .directories.jobs import directory_import_task
from .directories.services import directory_index_task

__all__ = ["directory_import_task", "directory_index_task"]

"""Binds the current schema snapshot to each Celery task, as the middleware does for requests."""

from celery.signals import task_postrun, task_prerun

from modules.metamodel import binding
from modules.metamodel.runtime.snapshot import registry

_tokens: dict[str, object] = {}


def _bind_snapshot(task_id=None, **_kwargs):
    _tokens[task_id] = binding.bound.set(registry.current())


def _unbind_snapshot(task_id=None, **_kwargs):
    token = _tokens.pop(task_id, None)
    if token is not None:
        binding.bound.reset(token)


def connect_signals() -> None:
    """Bind a snapshot around every task (called from the app's `ready()`)."""
    task_prerun.connect(_bind_snapshot, weak=False, dispatch_uid="tessera-bind-snapshot")
    task_postrun.connect(_unbind_snapshot, weak=False, dispatch_uid="tessera-unbind-snapshot")

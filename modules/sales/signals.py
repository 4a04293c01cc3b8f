"""What happens in a record's process, for the modules above sales (tasks, activity).

    from modules.sales import signals
    signals.action_completed.connect(create_task)   # in your AppConfig.ready()

Each is sent once the change has committed (`transaction.on_commit`), with `sender` the
`SalesService` class and these keyword arguments:

- `action_completed`: `entity` (the slug), `record_id`, `action` (a `models.Action`; its
  `task_template` is the key of the task template to use, "" for none), `completion`
  (a `models.Completion`: who, when, note, file), `user` (who did it).
- `action_reopened`: `entity`, `record_id`, `action`, `user`.
- `stage_changed`: `entity`, `record_id`, `old` and `new` (stage keys), `user`.
- `deal_won`: `entity`, `record_id`, `user`.
- `deal_lost`: `entity`, `record_id`, `reason` (a lost reason's key), `user`.
"""

from django.dispatch import Signal

action_completed = Signal()
action_reopened = Signal()
stage_changed = Signal()
deal_won = Signal()
deal_lost = Signal()

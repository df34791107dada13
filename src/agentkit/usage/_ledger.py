"""The usage ledger: a task- and thread-safe record of every model call.

(Minimal core laid by the Foundation; the Budgets work extends it with totals, snapshots and resets.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ._record import CallRecord

__all__ = ("UsageLedger",)


class UsageLedger:
    """A thread- and task-safe, append-only record of model calls.

    Wrappers (metered and failover clients, deadline runners) call :meth:`record`; conditions and reports
    read totals. Listeners registered with :meth:`subscribe` are called synchronously after each record.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []
        self._listeners: list[Callable[[CallRecord], None]] = []

    def record(self, record: CallRecord) -> None:
        """Append one call record and notify listeners."""
        with self._lock:
            self._records.append(record)
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener(record)

    def subscribe(self, listener: Callable[[CallRecord], None]) -> Callable[[], None]:
        """Call ``listener`` after every new record; returns a function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    @property
    def records(self) -> tuple[CallRecord, ...]:
        """Every record so far, oldest first."""
        with self._lock:
            return tuple(self._records)

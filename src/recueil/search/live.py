"""The live index kept open across calls, for a long-running process (the web site).

``LiveSearcher`` opens the live generation once and hands its searcher to every
call (``run_search(..., searcher=live)``). Each call checks, cheaply, that it
still reads the live index: the pointer names the same generation (a rebuild
swaps it: the new generation is opened, the old one closed when its last call
ends) and the engine's last commit is the one it sees (``index sync`` and
``ingest`` commit new segments into the same generation: the searcher is
refreshed: tantivy reopens only what changed, Whoosh opens a new searcher). A call that fails because a
rebuild removed its generation under it runs once more on the new one.

Threads: tantivy's searchers may be used by several threads at once; Whoosh's
take turns (one call at a time per generation, refreshes included).

``shared(settings)`` is the process's own ``LiveSearcher`` of a home: a call that
passes no searcher (``run_search``, ``similar``) reuses the index a previous call
of the same process opened, as long as the pointer and the engine's last commit
say it is still the live one, instead of opening it again (a few milliseconds).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from recueil.config import Settings
from recueil.errors import RecueilError
from recueil.index import generations
from recueil.search.searcher import IndexSearcher, open_searcher

T = TypeVar("T")
SHARED_HOMES = 4  # homes whose live index a process keeps open for calls without a searcher


class _Generation:
    """One open generation: its searcher of the last commit seen, and who uses it."""

    def __init__(self, searcher: IndexSearcher) -> None:
        self.searcher = searcher
        self.users = 0
        self.retired = False
        self.turns = None if searcher.thread_safe else threading.Lock()
        self.refreshing = threading.Lock()

    def fresh(self) -> IndexSearcher:
        """The searcher of the generation's last commit, refreshed when it moved on."""
        searcher = self.searcher
        try:
            if searcher.is_current():
                return searcher
            with self.refreshing:
                if self.searcher is searcher:
                    self.searcher = searcher.refreshed()
                return self.searcher
        except Exception:
            # Its files went (a rebuild swapped it meanwhile) or cannot be read: the call
            # runs on what is open, and fails or is retried as any other (``run``).
            return searcher


class LiveSearcher:
    """The live index, opened once and followed (a rebuild, new commits); thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._generation: _Generation | None = None

    def _enter(self) -> _Generation:
        live = generations.live_name(self.settings.index_dir)
        with self._lock:
            current = self._generation
            if current is None or current.searcher.generation.name != live:
                opened = _Generation(open_searcher(self.settings))
                if current is not None:
                    current.retired = True
                    self._close_if_idle(current)
                current = self._generation = opened
            current.users += 1
            return current

    def _leave(self, generation: _Generation) -> None:
        with self._lock:
            generation.users -= 1
            self._close_if_idle(generation)

    @staticmethod
    def _close_if_idle(generation: _Generation) -> None:
        if generation.retired and generation.users == 0:
            generation.searcher.close()

    @contextmanager
    def searcher(self) -> Iterator[IndexSearcher]:
        """The searcher of the live index's last commit, for one call."""
        generation = self._enter()
        try:
            if generation.turns is None:
                yield generation.fresh()
            else:
                with generation.turns:
                    yield generation.fresh()
        finally:
            self._leave(generation)

    def run(self, work: Callable[[IndexSearcher], T]) -> T:
        """``work`` on the live index; once more when a rebuild swapped it meanwhile."""
        for attempt in (1, 2):
            with self.searcher() as searcher:
                try:
                    return work(searcher)
                except RecueilError:
                    raise
                except Exception as exc:
                    if attempt == 1 and not generations.still_live(
                        self.settings, searcher.generation
                    ):
                        continue
                    raise generations.damaged(searcher.generation, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.retired = True
                self._close_if_idle(self._generation)
                self._generation = None


_SHARED: OrderedDict[Path, LiveSearcher] = OrderedDict()
_SHARED_LOCK = threading.Lock()


def shared(settings: Settings) -> LiveSearcher:
    """The process's ``LiveSearcher`` of ``settings``' index (the least recently used
    of more than ``SHARED_HOMES`` homes is closed)."""
    key = settings.index_dir.resolve()
    with _SHARED_LOCK:
        live = _SHARED.get(key)
        if live is None:
            live = _SHARED[key] = LiveSearcher(settings)
        _SHARED.move_to_end(key)
        while len(_SHARED) > SHARED_HOMES:
            _SHARED.popitem(last=False)[1].close()
        return live

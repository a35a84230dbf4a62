"""Immutable value classes for the nodes every search builds, without dataclass start-up.

``@dataclass(frozen=True)`` writes and compiles six methods for each class when its
module is imported (about 1 ms a class on Python 3.11). The query language and the
query plans define 17 node classes that each ``recueil search`` command loads, so
they derive from ``Value`` instead, whose methods are compiled once with recueil: a
node equals a node of the same class with equal fields, hashes like one, shows as
``Term(text='école', field=None, …)``, and cannot be changed after ``__init__``.

A subclass lists its fields in ``__slots__`` and its ``__init__`` stores them with
``_set``.
"""

from __future__ import annotations

from typing import ClassVar


class Value:
    __slots__: tuple[str, ...] = ()
    # Fields that equality and hashing ignore (e.g. where a word sits in the query).
    not_compared: ClassVar[tuple[str, ...]] = ()

    def _set(self, **fields: object) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def _compared(self) -> tuple[object, ...]:
        return tuple(getattr(self, n) for n in self.__slots__ if n not in self.not_compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Value):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of an immutable value")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of an immutable value")

    def __getstate__(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, object]) -> None:
        # Pickling and copying restore the fields here (``__setattr__`` refuses).
        self._set(**state)

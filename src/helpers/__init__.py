"""Helpers for comparing reports on Party-building in the "two new" sector, grouped by any column.

The names below load their module on first use (PEP 562): ``import helpers.config`` or the notebook runner
thus load no pandas, while ``from helpers import load_corpus`` works as ever."""

import importlib
import sys
import types

_HOMES = {
    "build": ".build",
    "build_info": ".processed_folder",
    "input_file": ".processed_folder",
    "kwic": ".kwic",
    "load_corpus": ".build",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value  # later look-ups find it directly
    return value


def __dir__() -> list[str]:
    return sorted(globals().keys() | _HOMES.keys())


class _Package(types.ModuleType):
    """Importing the submodule ``helpers.build`` or ``helpers.kwic`` binds its name in the package: the
    name stays the function of that name, as it was when this package imported both eagerly."""

    def __setattr__(self, name: str, value) -> None:
        if name in _HOMES and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

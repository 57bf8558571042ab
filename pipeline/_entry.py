"""`from pipeline import extract, run` names functions of the public API (pipeline/api.py), yet
`pipeline.extract` and `pipeline.run` are also a package and a module. Python binds a submodule
to its parent's attribute on import, so the two would clash; instead the submodule itself is made
callable, forwarding to the API function. Code importing from the submodule is unaffected."""

from __future__ import annotations

import sys
import types


class _Entry(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from pipeline import api

        return getattr(api, self.__dict__["_api_name"])(*args, **kwargs)


def entry_point(module_name: str, api_name: str) -> None:
    module = sys.modules[module_name]
    module._api_name = api_name
    module.__class__ = _Entry

"""Packages whose public names load on first use, so that importing one module is cheap.

A package's ``__init__`` lists where each public name lives; importing one of its modules
(or the package) then loads nothing else, and ``from package import name`` loads that
name's module only. The command line relies on this: ``match`` never waits for the
report's plotting libraries or the disclosure module's graph library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, where: dict[str, str],
               namespace: dict[str, Any]) -> Callable[[str], Any]:
    """Make a package's ``__getattr__`` that loads each public name from its module.

    Parameters
    ----------
    package : str
        The package's name (for the error message).
    where : dict of str to str
        Each public name and the module that defines it.
    namespace : dict
        The package's ``globals()``: a name, once loaded, is kept there.

    Returns
    -------
    callable
        The ``__getattr__`` of the package.

    Examples
    --------
    >>> space = {}
    >>> get = lazy_names("demo", {"fold": "toolkit.core.text"}, space)
    >>> get("fold")("  Ada ") == "ada", "fold" in space
    (True, True)
    >>> get("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'demo' has no attribute 'nothing'
    """

    def __getattr__(name: str) -> Any:
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module '{package}' has no attribute '{name}'") from None
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__

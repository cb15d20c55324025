"""The toolkit's version and the versions of the libraries a run depends on."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__", "library_versions"]

try:
    __version__ = version("mentoring-toolkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


def library_versions() -> dict[str, str]:
    """Return the versions of Python, the toolkit and the libraries that shape the result.

    Examples
    --------
    >>> sorted(library_versions())
    ['lapx', 'mentoring-toolkit', 'numpy', 'pandas', 'python', 'scipy']
    """
    out = {"python": platform.python_version()}
    for name in ("mentoring-toolkit", "numpy", "scipy", "pandas", "lapx"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return dict(sorted(out.items()))

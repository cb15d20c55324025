"""Scheme folders: one folder per scheme holding its store, settings, imports and exports.

A scheme lives in ``schemes/<name>/`` under the project folder (ignored by git). The start page
creates or opens one and remembers it as the current scheme; every notebook then works on it.
"""

from toolkit.schemes.folder import (
    SAMPLE_SCHEME,
    Scheme,
    create_scheme,
    current_scheme,
    list_schemes,
    open_scheme,
    resolve_scheme,
    save_ladder,
    save_mapping,
    save_upload,
    set_current_scheme,
)

__all__ = [
    "SAMPLE_SCHEME",
    "Scheme",
    "create_scheme",
    "current_scheme",
    "list_schemes",
    "open_scheme",
    "resolve_scheme",
    "save_ladder",
    "save_mapping",
    "save_upload",
    "set_current_scheme",
]

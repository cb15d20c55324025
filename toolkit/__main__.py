"""Run the command line with ``python -m toolkit``."""

import sys

from .cli import main

sys.exit(main())

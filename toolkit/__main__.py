"""Run the command line with ``python -m toolkit``."""

import sys

from toolkit.cli.main import main

sys.exit(main())

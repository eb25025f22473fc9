"""``python -m splitsched`` runs the CLI."""

import sys

from splitsched.cli import main

sys.exit(main())

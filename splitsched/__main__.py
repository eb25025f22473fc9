"""``python -m splitsched`` runs the CLI."""

import sys

from splitsched.cli.main import main

sys.exit(main())

"""``python -m alusim`` runs the command line."""

import sys

from alusim.cli import main

sys.exit(main())

"""``python -m zoneops.hj212 decode|encode``."""

import sys

from .cli import main

sys.exit(main())

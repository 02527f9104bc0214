"""``python -m mot_sim``."""

import sys

from mot_sim.cli.main import main

sys.exit(main())

"""`python -m jihua_kit` runs the command line."""

import sys

from jihua_kit.cli import main

sys.exit(main())

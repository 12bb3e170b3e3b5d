"""`python -m jihua_kit` runs the command line."""

import sys

from jihua_kit.cli.main import main

sys.exit(main())

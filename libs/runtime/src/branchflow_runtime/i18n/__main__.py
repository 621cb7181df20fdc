"""``python -m branchflow_runtime.i18n [update|check]``: see ``catalogues``."""

import sys

from branchflow_runtime.i18n.catalogues import main

sys.exit(main())

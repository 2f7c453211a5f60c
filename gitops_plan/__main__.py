"""``python -m gitops_plan``: the offline plan (see :mod:`gitops_plan.plan`)."""
import sys

from .plan import main

sys.exit(main())

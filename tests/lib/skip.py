"""tests/lib/skip.py — how a Python suite says it cannot run here.

The same rule as tests/lib/skip.sh: exit 77 (ctest: Skipped), or fail
under CI=true, where every prerequisite is installed on purpose.
"""
import os
import sys


def skip(why):
    if os.environ.get("CI") == "true":
        print("FAILED: cannot run under CI=true, where nothing may be skipped: " + why)
        sys.exit(1)
    print("SKIPPED: " + why)
    sys.exit(77)

"""The benchmarks' harness is imported as ``harness``, from bench/, as the benchmarks import it."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

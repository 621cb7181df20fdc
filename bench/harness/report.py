"""What every benchmark reports besides its figures: which code and machine were measured, the
results file, a plain aligned table; and the temp dir a run keeps its logs in."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import traceback
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.processes import otlp_exporter_configured

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "bench" / "results"


def source_fingerprint(*sources: str) -> dict:
    """Which code was measured: a hash of the given source dirs' and the libraries' sources as
    they are when the services start (the workspace has no commit to name), and the newest change."""
    bases = [*(ROOT / source for source in sources), *sorted(ROOT.glob("libs/*/src"))]
    files = sorted(
        path
        for base in bases
        for pattern in ("*.py", "*.toml")
        for path in base.rglob(pattern)
        if "__pycache__" not in path.parts
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    newest = max((path.stat().st_mtime for path in files), default=0.0)
    return {
        "sha256": digest.hexdigest()[:12],
        "files": len(files),
        "newest_change": datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds"),
    }


def source_label(code: dict) -> str:
    """``source_fingerprint`` in a table's title."""
    return f"source {code['sha256']} (changed {code['newest_change']})"


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version()}


def environment(infra, code: dict) -> dict:
    """What every results file says about where and what it measured: whether spans were
    exported, the database server and broker (``Infrastructure``), the machine, the code."""
    return {"otlp_exporter": otlp_exporter_configured(), **infra.describe(), **machine(), "source": code}


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_results(name: str, results: dict) -> Path:
    """``bench/results/<name>.json`` (git ignores it)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nresults: {path}")
    return path


def print_rows(title: str, rows: list[tuple[str, str]]) -> None:
    """A title, then label / right-aligned value rows between rules."""
    width = max(len(label) for label, _ in rows)
    value_width = max(len(value) for _, value in rows)
    print()
    print(title)
    print("-" * (width + 2 + value_width))
    for label, value in rows:
        print(f"{label:<{width}}  {value:>{value_width}}")
    print("-" * (width + 2 + value_width))


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    left: bool = False  # aligned left (a row's label), else right


def print_table(columns: Sequence[Column], rows: Iterable[Sequence[str]], rules: bool = True) -> None:
    """A header and rows in fixed-width columns, between rules; cells past the last column are
    appended as they are (a note on that row)."""

    def line(cells: Sequence[str]) -> str:
        aligned = (
            f"{cell:<{column.width}}" if column.left else f"{cell:>{column.width}}"
            for column, cell in zip(columns, cells, strict=False)
        )
        return "".join(aligned) + "".join(cells[len(columns) :])

    header = line([column.title for column in columns])
    rule = "-" * len(header)
    print(*([rule, header, rule] if rules else [header]), sep="\n")
    for row in rows:
        print(line(row))
    if rules:
        print(rule)


def run_in_workdir(run: Callable[..., Awaitable[int]], args, prefix: str) -> int:
    """Run ``run(args, workdir)`` in a fresh temp dir; keep the dir (logs) when it fails or
    ``args.keep_logs`` is set."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        code = asyncio.run(run(args, workdir))
    except KeyboardInterrupt:
        code = 130
    except Exception:
        traceback.print_exc()
        code = 1
    if code == 0 and not args.keep_logs:
        shutil.rmtree(workdir, ignore_errors=True)
    elif code != 0:
        print(f"logs kept in {workdir}", file=sys.stderr)
    return code

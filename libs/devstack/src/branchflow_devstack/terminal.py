"""What ``make run`` shows: a line per component as it becomes ready, a progress bar while the
demo data loads, then the table of addresses and a dev token per role. Everything the
components say goes to ``var/log/<component>.log``; with ``VERBOSE=1`` also to the terminal,
interleaved as honcho prints it.

It speaks the launcher's language: Simplified Chinese unless ``BRANCHFLOW_LANG=en`` (or
``--lang en``) asks for English; texts come from the ``branchflow_devstack`` catalogue."""

import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from honcho.printer import Message, Printer
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import Catalogue, label

HONCHO = "system"  # the name honcho gives its own notes (started, stopped, signals)
CATALOGUE = Catalogue("branchflow_devstack")


def _(message: str, **params: object) -> str:
    """``message`` in the current locale (the launcher sets it once, from ``BRANCHFLOW_LANG``)."""
    text = CATALOGUE.gettext(message)
    return text.format(**params) if params else text


def pad(text: str, cells: int) -> str:
    """``text`` padded to ``cells`` terminal cells: a Chinese character takes two."""
    return text + " " * max(0, cells - cell_len(text))


STOPPED = re.compile(r"^(?P<name>\S+) stopped \(rc=(?P<code>-?\d+)\)")


class ComponentLogs:
    """honcho's printer: each process's lines go to its log file, honcho's own notes to
    ``launcher.log``; it remembers which process stopped and with what exit code."""

    def __init__(self, log_dir: Path, echo: bool) -> None:
        self.log_dir = log_dir
        self.width = 0  # honcho sets it: the longest process name, for the echo's prefix
        self._echo = Printer(sys.stdout) if echo else None
        self._files: dict[str, object] = {}
        self.stopped: dict[str, int] = {}
        self.interrupted = False  # by a signal (Ctrl-C)
        self.stopping = threading.Event()  # a process ended or a signal came: the start is off

    def path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def write(self, message: Message) -> None:
        if self._echo:
            self._echo.width = self.width
            self._echo.write(message)
        data = message.data.decode("utf-8", "replace") if isinstance(message.data, bytes) else message.data
        if message.name == HONCHO:
            self._note(data)
            data = f"{message.time:%Y-%m-%d %H:%M:%S} {data}"
        file = self._file("launcher" if message.name == HONCHO else message.name)
        file.write(data if data.endswith("\n") else data + "\n")
        file.flush()

    def _note(self, data: str) -> None:
        if match := STOPPED.match(data):
            self.stopped[match["name"]] = int(match["code"])
            self.stopping.set()
        elif "received" in data:  # SIGINT / SIGTERM
            self.interrupted = True
            self.stopping.set()

    def _file(self, name: str):
        if name not in self._files:
            self._files[name] = open(self.path(name), "a", encoding="utf-8")  # noqa: SIM115
        return self._files[name]

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()


def last_line(path: Path) -> str:
    """The last line a component wrote: what it said before it stopped."""
    try:
        lines = [
            line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()
        ]
    except FileNotFoundError:
        return ""
    return lines[-1] if lines else ""


class Screen:
    """The terminal of ``make run``, timed from the launcher's start."""

    def __init__(self, started: float, root: Path, console: Console | None = None) -> None:
        self.started = started
        self.root = root
        self.console = console or Console(highlight=False)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def where(self, path: Path) -> str:
        """A path as the user typed their command: relative to the checkout when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def say(self, text: str) -> None:
        self.console.print(text)

    def ready(self, name: str, log: Path | None = None) -> None:
        where = f"  [dim]{self.where(log)}[/]" if log else ""
        ready = _("ready at {seconds} s", seconds=f"{self.elapsed():5.1f}")
        self.console.print(f"  [green]✓[/] {pad(name, 10)} {ready}{where}")

    def done(self, name: str, what: str) -> None:
        self.console.print(f"  [green]✓[/] {pad(name, 10)} {what}")

    def failed(self, name: str, reason: str, log: Path | None = None) -> None:
        where = _(" (see {log})", log=self.where(log)) if log else ""
        self.console.print(f"  [red]✗[/] {pad(name, 10)} {reason}{where}", markup=True)

    @contextmanager
    def progress(self, label: str) -> Iterator[Callable[[int, int], None]]:
        """A bar for ``label``; yields the function that moves it: ``advance(done, total)``."""
        bar = Progress(
            TextColumn("  {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            disable=not self.console.is_terminal,  # a log file or a pipe gets the result line only
        )
        task = bar.add_task(label, total=None)
        with bar:
            yield lambda done, total: bar.update(task, completed=done, total=total)

    def table(self, rows: list[tuple[str, str, str]]) -> None:
        table = Table(title=None, box=None, pad_edge=False, show_edge=False, header_style="bold")
        table.add_column(_("component"))
        table.add_column(_("address"), overflow="fold")
        table.add_column(_("log"), style="dim", overflow="fold")
        for row in rows:
            table.add_row(*row)
        self.console.print()
        self.console.print(table)

    def tokens(self, tokens: dict[str, tuple[str, str]]) -> None:
        self.console.print()
        self.console.print(
            _("Dev tokens: in GraphiQL, Headers → {header}", header='{"Authorization": "Bearer <token>"}'),
            markup=False,
        )
        width = max((cell_len(label(Role(role))) for role in tokens), default=0)
        for role, (staff_id, token) in tokens.items():
            # not in a table: a wrapped cell would break the token where it is copied from
            shown = pad(label(Role(role)), width)
            self.console.print(f"  {shown} {staff_id:<7} {token}", soft_wrap=True, markup=False)

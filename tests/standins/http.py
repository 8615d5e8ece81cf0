"""A tiny threaded HTTP server base for the stand-ins, and ports that misbehave on purpose."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandIn:
    """Runs `handler_class` on 127.0.0.1 with a free port; `url` is its base URL.

    With `listening=False` the port is taken but refuses connections (a provider that is
    down) until `start_listening()` (the provider is back).
    """

    def __init__(self, handler_class: type[BaseHTTPRequestHandler], listening: bool = True):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class, bind_and_activate=False)
        self.server.server_bind()
        self.server.daemon_threads = True
        self.server.standin = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.listening = listening

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start_listening(self) -> None:
        self.server.server_activate()
        self.thread.start()
        self.listening = True

    def __enter__(self):
        if self.listening:
            self.start_listening()
        return self

    def __exit__(self, *exc) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()


@contextmanager
def port_that_never_accepts() -> Iterator[int]:
    """A port whose accept queue is full: a connection attempt waits until it times out."""
    with socket.socket() as listener, socket.socket() as filler:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        filler.connect(("127.0.0.1", port))  # takes the only place in the queue
        yield port


@contextmanager
def port_that_never_answers() -> Iterator[int]:
    """A port that takes connections (the kernel completes them) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002
        pass

    def send_json(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout tests intend

"""A local HTTP receiver on 127.0.0.1 for the delivery and webhook tests (never the
internet): it answers each POST with the next of its scripted statuses (the last one
repeats) and records what it received."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class StubServer:
    statuses: list[int] = field(default_factory=lambda: [200])
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok", "code": "OK"})
    received: list[Received] = field(default_factory=list)

    def start(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.received.append(Received(self.path, dict(self.headers.items()), body))
                status = stub.statuses.pop(0) if len(stub.statuses) > 1 else stub.statuses[0]
                data = json.dumps(stub.answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

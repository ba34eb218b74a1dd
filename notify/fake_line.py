"""A fake LINE Messaging API on 127.0.0.1, for tests and for trying LINE locally
(`manage.py line_test_server`). It records each call (path, headers, JSON body), answers 200
(or the statuses queued in `fail_with`), and never leaves the machine."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1024 * 1024


@dataclass
class Call:
    method: str
    path: str
    headers: dict
    body: dict


@dataclass
class FakeLine:
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    #: statuses answered to the next calls, in order (then 200)
    fail_with: list[int] = field(default_factory=list)
    on_call: object = None  # called with each Call (the command prints pushes)

    def __post_init__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                call = Call("POST", self.path, dict(self.headers.items()), body)
                fake.calls.append(call)
                if fake.on_call:
                    fake.on_call(call)
                status = fake.fail_with.pop(0) if fake.fail_with else 200
                answer = b"{}" if status == 200 else b'{"message":"fake failure"}'
                if status == 200 and self.path.startswith("/v2/bot/message/"):
                    answer = json.dumps({"sentMessages": [{"id": "1", "quoteToken": "q"}]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeLine:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pushes(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/v2/bot/message/push"]

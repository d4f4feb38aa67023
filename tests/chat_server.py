"""A real HTTP server on 127.0.0.1 that speaks the chat-completions protocol (as llama.cpp's
server, vLLM and Ollama do), for the writing assistant's tests: it answers as it is told to
(plain or streamed, slow, 429, 500, malformed) and keeps every request it received."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class ChatServer:
    url: str
    # How to answer: "json", "stream", "slow", "429", "500", "not_json", "no_choices".
    mode: str = "json"
    reply: str = "Hello"
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            server.received.append(json.loads(self.rfile.read(length)))
            server.headers.append(dict(self.headers.items()))
            server.paths.append(self.path)
            mode = server.mode
            if mode == "429":
                return self._send(429, b'{"error": {"message": "rate limited"}}')
            if mode == "500":
                return self._send(500, b'{"error": {"message": "boom"}}')
            if mode == "not_json":
                return self._send(200, b"<html>not json</html>")
            if mode == "no_choices":
                return self._send(200, b'{"id": "x", "object": "chat.completion"}')
            if mode == "slow":
                time.sleep(2)
            if mode == "stream":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = server.reply.split(" ")
                for i, word in enumerate(words):
                    piece = word + (" " if i < len(words) - 1 else "")
                    chunk = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                return None
            answer = {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": server.reply},
                        "finish_reason": "stop",
                    }
                ],
            }
            return self._send(200, json.dumps(answer).encode())

    return Handler


@contextmanager
def chat_server() -> Iterator[ChatServer]:
    """Start the server on a free port of 127.0.0.1; stop it at the end."""
    state = ChatServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

"""Several API processes under gunicorn, each with a listening socket of its own.

`rapport serve --workers N` (N > 1) runs gunicorn as the process manager (it restarts a worker
that dies, stops them all gracefully on SIGTERM) with uvicorn's worker class (`uvicorn-worker`,
uvloop and httptools, as `rapport serve` uses alone). With `reuse_port` each worker opens its
own socket with SO_REUSEPORT, so the kernel spreads new connections over the processes; with
one shared socket, whichever process woke first took them, and one could hold 58 of 64. Where
the kernel lets us, new connections are dealt to the processes in turn rather than by a hash of
their ports (`cli.reuseport`): each worker has a slot, given by the master before it forks.
"""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication
from uvicorn_worker import UvicornWorker

from cli.reuseport import Dealer


def freeze_what_is_loaded() -> None:
    """Move everything loaded so far (the app, its modules, models and schemas: about 250,000
    objects) out of the cyclic garbage collector's way. They live as long as the process; left
    in, every full collection walked them all, about 130 ms each, several times a minute under
    the door's load (docs/benchmarks.md). Called once a server process has loaded its app."""
    gc.collect()
    gc.freeze()


class Worker(UvicornWorker):
    """uvicorn in a gunicorn worker; our own middleware logs requests, and proxy headers are
    not trusted."""

    CONFIG_KWARGS: dict[str, Any] = {
        **UvicornWorker.CONFIG_KWARGS,
        "access_log": False,
        "proxy_headers": False,
    }

    def run(self) -> None:
        freeze_what_is_loaded()  # the app was loaded (init_process) just before this
        super().run()


class ProxiedWorker(Worker):
    """The same behind a reverse proxy: X-Forwarded-* are trusted (see --proxy-headers)."""

    CONFIG_KWARGS: dict[str, Any] = {**Worker.CONFIG_KWARGS, "proxy_headers": True}


def next_slot(alive: list[tuple[int, int]], slots: int) -> int:
    """The slot for a worker about to start, given the (slot, age) of the workers alive: the
    first free one, else (while a reload runs old and new workers side by side) the slot whose
    newest holder is the oldest, which the new worker takes over."""
    newest: dict[int, int] = {}
    for slot, age in alive:
        newest[slot] = max(age, newest.get(slot, age))
    free = [slot for slot in range(slots) if slot not in newest]
    return free[0] if free else min(newest, key=lambda slot: newest[slot])


class Turns:
    """gunicorn's hooks that deal new connections to the workers in turn (`cli.reuseport`)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.dealer: Dealer | None = None

    def on_starting(self, arbiter: Any) -> None:
        self.dealer = Dealer.load(self.slots)

    def pre_fork(self, arbiter: Any, worker: Any) -> None:
        alive = [(w.slot, w.age) for w in arbiter.WORKERS.values() if hasattr(w, "slot")]
        worker.slot = next_slot(alive, self.slots)

    def post_fork(self, arbiter: Any, worker: Any) -> None:
        if self.dealer is not None:
            for listener in worker.sockets:
                self.dealer.join(listener.sock, worker.slot)


class Server(BaseApplication):
    """gunicorn configured in code, loading the app factory (or `app`, "module:attribute") in
    each worker after the fork."""

    def __init__(
        self, *, host: str, port: int, workers: int, proxy_headers: bool, app: str | None = None
    ) -> None:
        self.app_path = app
        turns = Turns(workers)
        self.options: dict[str, Any] = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": ProxiedWorker if proxy_headers else Worker,
            "reuse_port": True,
            "forwarded_allow_ips": "*" if proxy_headers else "127.0.0.1,::1",
            "graceful_timeout": 30,
            "keepalive": 5,
            "accesslog": None,
            "proc_name": "rapport",
            "on_starting": turns.on_starting,
            "pre_fork": turns.pre_fork,
            "post_fork": turns.post_fork,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        if self.app_path is not None:
            from gunicorn.util import import_app

            return import_app(self.app_path)
        from api.app import create_app

        return create_app()

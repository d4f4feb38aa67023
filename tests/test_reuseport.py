"""New connections dealt in turn over SO_REUSEPORT sockets (cli/reuseport.py), and the slots
the gunicorn master gives its workers (cli/server.py)."""

from __future__ import annotations

import errno
import logging
import socket
from collections import Counter
from collections.abc import Iterator

import pytest

from cli import reuseport
from cli.reuseport import Dealer
from cli.server import next_slot
from tests.support import need


def listeners(count: int) -> list[socket.socket]:
    """`count` listening sockets on one port of 127.0.0.1, in one SO_REUSEPORT group."""
    made: list[socket.socket] = []
    port = 0
    for _ in range(count):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
        sock.setblocking(False)
        port = sock.getsockname()[1]
        made.append(sock)
    return made


def connect(sockets: list[socket.socket], count: int) -> list[socket.socket]:
    port = next(s for s in sockets if s.fileno() >= 0).getsockname()[1]
    return [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]


def accepted(sockets: list[socket.socket]) -> Counter[int]:
    """How many waiting connections each open listener holds (accepting and closing them)."""
    held: Counter[int] = Counter()
    for slot, sock in enumerate(sockets):
        if sock.fileno() < 0:
            continue
        while True:
            try:
                conn, _ = sock.accept()
            except BlockingIOError:
                break
            conn.close()
            held[slot] += 1
    return held


@pytest.fixture
def dealer() -> Iterator[Dealer]:
    loaded = Dealer.load(2)
    need(loaded is not None, "loading an eBPF program needs root (CAP_BPF, CAP_NET_ADMIN)")
    assert loaded is not None
    yield loaded
    loaded.close()


def test_sixteen_door_phones_are_dealt_eight_to_each_socket(dealer: Dealer) -> None:
    sockets = listeners(2)
    assert all(dealer.join(sock, slot) for slot, sock in enumerate(sockets))
    clients = connect(sockets, 16)
    assert accepted(sockets) == {0: 8, 1: 8}
    for _ in range(6):  # one at a time they alternate (six pairs by a hash: 1 time in 64)
        clients += connect(sockets, 1)
        clients += connect(sockets, 1)
        assert accepted(sockets) == {0: 1, 1: 1}
    for sock in sockets + clients:
        sock.close()


def test_without_the_program_the_same_sockets_split_by_the_hash() -> None:
    """What the program replaces: over twenty tries with 16 connections, the kernel's hash puts
    more than 60 % on one socket at least once (it does about half the time)."""
    shares = []
    for _ in range(20):
        sockets = listeners(2)
        clients = connect(sockets, 16)
        shares.append(max(accepted(sockets).values()) / 16)
        for sock in sockets + clients:
            sock.close()
    assert max(shares) > 0.6, shares


def test_a_closed_socket_s_turns_go_to_the_others(dealer: Dealer) -> None:
    """A worker that died left its slot empty: the turns that fall on it go to the kernel's
    hash over the sockets left, so every connection still lands."""
    sockets = listeners(3)
    for slot, sock in enumerate(sockets[:2]):
        assert dealer.join(sock, slot)
    sockets[1].close()  # slot 1 is empty now; sockets[2] is in the group but in no slot
    clients = connect(sockets, 20)
    held = accepted(sockets)
    assert held.total() == 20 and held[0] >= 10, held  # slot 0 still has every other turn
    for sock in sockets + clients:
        sock.close()


def test_a_replacement_takes_the_empty_slot_and_the_deal_is_even_again(dealer: Dealer) -> None:
    sockets = listeners(2)
    for slot, sock in enumerate(sockets):
        assert dealer.join(sock, slot)
    sockets[1].close()
    port = sockets[0].getsockname()[1]
    newcomer = socket.socket()
    newcomer.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    newcomer.bind(("127.0.0.1", port))
    newcomer.listen(128)
    newcomer.setblocking(False)
    sockets[1] = newcomer
    assert dealer.join(newcomer, 1)
    clients = connect(sockets, 16)
    assert accepted(sockets) == {0: 8, 1: 8}
    for sock in sockets + clients:
        sock.close()


def test_where_the_kernel_refuses_the_hash_stays_and_the_log_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(command: int, attr: bytes) -> int:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(reuseport, "_bpf", refused)
    with caplog.at_level(logging.WARNING, logger="rapport.reuseport"):
        assert Dealer.load(2) is None
    assert "spread by the kernel's hash" in caplog.text
    assert "Operation not permitted" in caplog.text


def test_a_socket_the_kernel_will_not_take_is_left_to_the_hash(
    dealer: Dealer, caplog: pytest.LogCaptureFixture
) -> None:
    unbound = socket.socket()  # not listening with SO_REUSEPORT: the socket map refuses it
    with caplog.at_level(logging.WARNING, logger="rapport.reuseport"):
        assert dealer.join(unbound, 0) is False
    assert "left to the kernel's hash" in caplog.text
    unbound.close()


@pytest.mark.parametrize(
    ("alive", "slot"),
    [
        ([], 0),  # the first worker
        ([(0, 1)], 1),  # the second
        ([(1, 2)], 0),  # worker 1 died; its replacement
        ([(0, 1), (1, 2)], 0),  # a reload: the new worker takes the oldest's slot...
        ([(0, 1), (1, 2), (0, 3)], 1),  # ...and the next new one the other
        ([(0, 1), (1, 2), (0, 3), (1, 4)], 0),  # more than slots: the oldest newest holder
    ],
)
def test_next_slot(alive: list[tuple[int, int]], slot: int) -> None:
    assert next_slot(alive, 2) == slot

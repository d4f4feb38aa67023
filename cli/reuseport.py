"""New connections dealt in turn over the server processes' SO_REUSEPORT sockets.

With SO_REUSEPORT the kernel picks the socket for a new connection by a hash of its addresses
and ports: even on average, but with 16 door phones one process holds 10 or more about half
the time. A socket-selection program (eBPF, `BPF_PROG_TYPE_SK_REUSEPORT`) attached to the group
replaces the hash: it adds one to a counter and hands the connection to the socket in slot
`counter % slots` of a `REUSEPORT_SOCKARRAY` map, so connections go 1, 2, 1, 2, ... whatever
their ports. The gunicorn master makes the maps and loads the program before it forks; each
worker puts its own socket in its slot. A worker that dies takes its socket out of the map (the
kernel does that when the socket closes); until its replacement fills the slot, the turns that
fall on it go to the kernel's hash, as they would with no program at all.

Loading it needs root (CAP_BPF and CAP_NET_ADMIN) and Linux 5.12 or newer. Where that is
missing, `Dealer.load` logs why and returns None, and the kernel's hash spreads connections as
before. No maintained Python library loads an eBPF program without a compiler at run time (bcc
needs clang and the kernel's headers), so the program is written here in the instruction set
itself: nineteen instructions, in `_program`.
"""

from __future__ import annotations

import ctypes
import logging
import os
import platform
import socket
import struct
from dataclasses import dataclass

log = logging.getLogger("rapport.reuseport")

_SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(platform.machine())
_MAP_CREATE, _MAP_UPDATE_ELEM, _PROG_LOAD = 0, 2, 5
_ARRAY, _REUSEPORT_SOCKARRAY = 2, 20  # map types
_SK_REUSEPORT = 21  # program type
_LOOKUP_ELEM, _SK_SELECT_REUSEPORT = 1, 82  # helper functions
_SO_ATTACH_REUSEPORT_EBPF = 52
_ATTR_SIZE = 128  # bytes of union bpf_attr given to the kernel; what we do not set stays 0


def _insn(code: int, dst: int = 0, src: int = 0, off: int = 0, imm: int = 0) -> bytes:
    return struct.pack("<BBhi", code, dst | src << 4, off, imm)


def _load_map(register: int, fd: int) -> bytes:
    """`register = map` (a 16-byte load; source register 1 says `imm` is a map's fd)."""
    return _insn(0x18, register, 1, imm=fd) + _insn(0)


def _program(counter_fd: int, sockets_fd: int, slots: int) -> bytes:
    """turn = counter[0]++ (atomically); select sockets[turn % slots]; SK_PASS either way: if the
    slot is empty the kernel falls back to its hash."""
    return b"".join(
        [
            _insn(0xBF, 6, 1),  # r6 = r1, the context
            _insn(0x62, 10, off=-4, imm=0),  # *(u32 *)(fp - 4) = 0, the counter's key
            _insn(0xBF, 2, 10),  # r2 = fp
            _insn(0x07, 2, imm=-4),  # r2 += -4
            _load_map(1, counter_fd),  # r1 = counter map
            _insn(0x85, imm=_LOOKUP_ELEM),  # r0 = &counter[0]
            _insn(0x15, 0, off=11, imm=0),  # if r0 == 0: goto pass
            _insn(0xB7, 1, imm=1),  # r1 = 1
            _insn(0xDB, 0, 1, imm=0x01),  # r1 = atomic_fetch_add(*(u64 *)r0, r1)
            _insn(0x97, 1, imm=slots),  # r1 %= slots
            _insn(0x63, 10, 1, off=-8),  # *(u32 *)(fp - 8) = r1, the slot
            _insn(0xBF, 1, 6),  # r1 = context
            _load_map(2, sockets_fd),  # r2 = socket map
            _insn(0xBF, 3, 10),  # r3 = fp
            _insn(0x07, 3, imm=-8),  # r3 += -8
            _insn(0xB7, 4, imm=0),  # r4 = 0, flags
            _insn(0x85, imm=_SK_SELECT_REUSEPORT),
            _insn(0xB7, 0, imm=1),  # pass: r0 = SK_PASS
            _insn(0x95),  # exit
        ]
    )


def _bpf(command: int, attr: bytes) -> int:
    if _SYS_BPF is None:
        raise OSError(f"bpf() is not wired for {platform.machine()}")
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(attr.ljust(_ATTR_SIZE, b"\0"), _ATTR_SIZE)
    result = libc.syscall(_SYS_BPF, command, buffer, _ATTR_SIZE)
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"bpf({command}): {os.strerror(errno)}")
    return int(result)


def _map(kind: int, entries: int) -> int:
    return _bpf(_MAP_CREATE, struct.pack("<5I", kind, 4, 8, entries, 0))


@dataclass(frozen=True)
class Dealer:
    """The loaded program and its two maps, made in the master and inherited by the workers."""

    slots: int
    program_fd: int
    sockets_fd: int

    @classmethod
    def load(cls, slots: int) -> Dealer | None:
        """Make the maps and load the program; None (and a log line saying why) where the
        kernel or our privileges do not allow it."""
        sockets_fd = counter_fd = -1
        try:
            counter_fd = _map(_ARRAY, 1)
            sockets_fd = _map(_REUSEPORT_SOCKARRAY, slots)
            code = _program(counter_fd, sockets_fd, slots)
            licence = ctypes.create_string_buffer(b"GPL")
            instructions = ctypes.create_string_buffer(code, len(code))
            program_fd = _bpf(
                _PROG_LOAD,
                struct.pack(
                    "<IIQQ",
                    _SK_REUSEPORT,
                    len(code) // 8,
                    ctypes.addressof(instructions),
                    ctypes.addressof(licence),
                ),
            )
        except OSError as error:
            if sockets_fd >= 0:
                os.close(sockets_fd)
            log.warning(
                "new connections are spread by the kernel's hash, not in turn: %s "
                "(the eBPF program needs Linux 5.12+, and root or CAP_BPF and CAP_NET_ADMIN)",
                error,
            )
            return None
        finally:
            if counter_fd >= 0:
                os.close(counter_fd)  # the program holds the counter map from now on
        return cls(slots=slots, program_fd=program_fd, sockets_fd=sockets_fd)

    def join(self, listener: socket.socket, slot: int) -> bool:
        """Put a worker's listening socket in its slot (taking it from whoever held it) and
        attach the program to the socket's group. False, logged, if the kernel refuses."""
        key = ctypes.c_uint32(slot)
        value = ctypes.c_uint64(listener.fileno())
        try:
            _bpf(
                _MAP_UPDATE_ELEM,
                struct.pack(
                    "<IIQQQ",
                    self.sockets_fd,
                    0,
                    ctypes.addressof(key),
                    ctypes.addressof(value),
                    0,  # BPF_ANY: create or replace
                ),
            )
            listener.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_REUSEPORT_EBPF, self.program_fd)
        except OSError as error:
            log.warning("socket slot %s is left to the kernel's hash: %s", slot, error)
            return False
        return True

    def close(self) -> None:
        """Let go of the program and the socket map (the groups they are attached to keep
        them as long as they need them)."""
        os.close(self.program_fd)
        os.close(self.sockets_fd)

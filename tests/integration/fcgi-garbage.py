"""Sends malformed FastCGI to a unix socket: random bytes, truncated and
oversized records, bad parameter lengths, connections dropped mid-record.
Bounded: a fixed number of connections, each with a short timeout.
Usage: fcgi-garbage.py SOCKET COUNT SEED"""
import random
import socket
import struct
import sys


def record(rtype, req_id, content, pad=0):
    return struct.pack(">BBHHBB", 1, rtype, req_id, len(content), pad, 0) + content + b"\0" * pad


def begin(req_id=1, role=1, flags=0):
    return record(1, req_id, struct.pack(">HB5x", role, flags))


def params(body):
    return record(4, 1, body)


def name_value(name, value):
    def length(n):
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def cases(rng):
    yield rng.randbytes(rng.randint(1, 4096))
    yield begin() + rng.randbytes(rng.randint(1, 512))
    yield begin()[: rng.randint(1, 15)]
    yield begin() + params(b"\x7f\xff")  # lengths longer than the record
    yield begin() + params(struct.pack(">II", 0xFFFFFFFF, 0xFFFFFFFF))
    yield begin() + params(name_value(b"REQUEST_METHOD", b"GET") + name_value(b"REQUEST_URI", b"/health\x00x"))
    yield begin() + params(name_value(b"REQUEST_URI", b"/" + b"a" * 60000))
    yield begin(role=2) + params(b"") + record(5, 1, b"")
    yield begin(req_id=0) + params(b"") + record(5, 0, b"")
    yield record(rng.randint(0, 255), rng.randint(0, 65535), rng.randbytes(rng.randint(0, 300)))
    yield begin() + params(name_value(b"REQUEST_METHOD", b"POST") + name_value(b"CONTENT_LENGTH", b"99999999999999999999")) + params(b"") + record(5, 1, b"x" * 10)
    yield begin() + params(name_value(b"HTTP_X_REQUEST_ID", bytes(rng.randrange(256) for _ in range(200)))) + params(b"")


def main():
    path, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    sent = 0
    while sent < count:
        for payload in cases(rng):
            if sent >= count:
                break
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(2)
            try:
                s.connect(path)
                s.sendall(payload)
                # Half the time, say we are done and read what comes back;
                # the other half, hang up at once.
                if rng.random() < 0.5:
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(65536):
                        pass
            except OSError:
                pass
            finally:
                s.close()
            sent += 1
    print(f"sent {sent} malformed connections")


main()

#!/usr/bin/python3
"""Stands in for systemd's notification socket: binds a unix datagram
socket (a path, or @name in the abstract namespace) and writes each
notification it receives to stdout as one line, its assignments separated
by spaces, until it is terminated.
    notify-listen.py SOCKET"""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if path.startswith("@"):
        s.bind("\0" + path[1:])
    else:
        if os.path.exists(path):
            os.unlink(path)
        s.bind(path)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        data = s.recv(4096)
        sys.stdout.write(data.decode("utf-8", "replace").replace("\n", " ") + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

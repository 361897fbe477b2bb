#!/usr/bin/python3
"""A FastCGI responder that answers every request with the parameters it
was given, as a JSON object (and the body's length as STDIN_LENGTH), so a
test can see exactly what a web server passes on.
    fcgi-echo.py SOCKET_PATH"""
import json
import os
import socket
import struct
import sys
import threading

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def pairs(data):
    out, i = {}, 0
    while i < len(data):
        lens = []
        for _ in range(2):
            if data[i] & 0x80:
                lens.append(struct.unpack(">I", data[i:i + 4])[0] & 0x7FFFFFFF)
                i += 4
            else:
                lens.append(data[i])
                i += 1
        name = data[i:i + lens[0]].decode("latin-1")
        i += lens[0]
        out[name] = data[i:i + lens[1]].decode("latin-1")
        i += lens[1]
    return out


def record(kind, rid, content):
    return struct.pack(">BBHHBB", 1, kind, rid, len(content), 0, 0) + content


def serve(conn):
    params, stdin, rid = b"", 0, 1
    try:
        while True:
            _, kind, rid, length, padding, _ = struct.unpack(">BBHHBB", read_exact(conn, 8))
            content = read_exact(conn, length + padding)[:length]
            if kind == PARAMS:
                params += content
            elif kind == STDIN:
                if not content:
                    break
                stdin += len(content)
        env = pairs(params)
        env["STDIN_LENGTH"] = str(stdin)
        body = json.dumps(env, sort_keys=True).encode()
        head = b"Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        out = head + body
        for i in range(0, len(out), 65535):
            conn.sendall(record(STDOUT, rid, out[i:i + 65535]))
        conn.sendall(record(STDOUT, rid, b"") + record(END, rid, struct.pack(">IB3x", 0, 0)))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o666)
    s.listen(64)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()

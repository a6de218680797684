"""A minimal HTTP CONNECT proxy for the proxy tests. Prints "READY <port>"; each tunnel's
target is logged to stderr; exits when stdin closes. With --auth VALUE it answers 407 unless
Proxy-Authorization equals VALUE."""

import asyncio
import sys

import lifeline

AUTH = sys.argv[sys.argv.index("--auth") + 1] if "--auth" in sys.argv else None
TUNNELS = 0


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def handle(reader, writer):
    global TUNNELS
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line}
    if method != "CONNECT" or (AUTH and headers.get("proxy-authorization") != AUTH):
        writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
        writer.close()
        return
    host, port = target.rsplit(":", 1)
    upstream_reader, upstream_writer = await asyncio.open_connection(host.strip("[]"), int(port))
    TUNNELS += 1
    print("tunnel", TUNNELS, target, file=sys.stderr, flush=True)
    writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
    await writer.drain()
    await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("READY", server.sockets[0].getsockname()[1], flush=True)
    await lifeline.hold_async()


asyncio.run(main())

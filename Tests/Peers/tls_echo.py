"""A wss:// echo server (Python websockets) for the TLS tests.

Usage: tls_echo.py CERT.pem KEY.pem [CLIENT-CA.pem] — prints "READY <port>", serves until
stdin closes. With CLIENT-CA, a client must present a certificate that CA issued (mutual TLS).
Each connection's request headers are echoed first, as one JSON text message, on /headers.
"""

import asyncio
import json
import ssl
import sys

from websockets.asyncio.server import serve

import lifeline


async def echo(websocket):
    if websocket.request.path.startswith("/headers"):
        await websocket.send(json.dumps(dict(websocket.request.headers.raw_items())))
    async for message in websocket:
        await websocket.send(message)


async def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    if len(sys.argv) > 3:
        context.load_verify_locations(sys.argv[3])
        context.verify_mode = ssl.CERT_REQUIRED
    async with serve(echo, "127.0.0.1", 0, ssl=context) as server:
        print("READY", server.sockets[0].getsockname()[1], flush=True)
        await lifeline.hold_async()


asyncio.run(main())

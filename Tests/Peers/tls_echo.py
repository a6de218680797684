"""A wss:// echo server (Python websockets) for the TLS tests.

Usage: tls_echo.py CERT.pem KEY.pem — prints "READY <port>", serves until stdin closes.
"""

import asyncio
import ssl
import sys

from websockets.asyncio.server import serve

import lifeline


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    async with serve(echo, "127.0.0.1", 0, ssl=context) as server:
        print("READY", server.sockets[0].getsockname()[1], flush=True)
        await lifeline.hold_async()


asyncio.run(main())

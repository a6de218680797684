"""WebSocket servers written with third-party Python libraries, for wsmon's end-to-end tests.
Both accept permessage-deflate when offered (websockets by default, aiohttp with compress=15).

Usage: python_peer.py --lib websockets|aiohttp [--port 0]
Prints "READY <port>" once listening; exits when stdin closes. Paths (query tunes them):
  /echo?close-after=S&code=N&reason=R   echo; optionally the server closes after S seconds
  /last-message-then-close?code=N&reason=R   "last message", then the library's close
  /half-close?after=S                   raw Close frame, then never reads or closes TCP
  /record?close-after=S&code=N          echo, logging each connection's text messages
  /log                                  sends the log as JSON, then closes
"""

import argparse
import asyncio
import json

import lifeline
from urllib.parse import parse_qs, urlsplit

RAW_CLOSE_1000 = b"\x88\x02\x03\xe8"
LOG = []


def parse(path):
    parts = urlsplit(path)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return parts.path, query


def close_params(query, default_code=1000):
    return int(query.get("code", default_code)), query.get("reason", "")


# ---------------------------------------------------------------- websockets


async def websockets_handler(ws):
    path, query = parse(ws.request.path)
    if path == "/log":
        await ws.send(json.dumps(LOG))
        await ws.close()
        return
    if path == "/last-message-then-close":
        code, reason = close_params(query)
        await ws.send("last message")
        await ws.close(code, reason or "bye")
        return
    if path == "/half-close":
        await asyncio.sleep(float(query.get("after", 0.2)))
        # Below the library: it would otherwise answer the client's reply and close TCP.
        ws.transport.pause_reading()
        ws.transport.write(RAW_CLOSE_1000)
        await asyncio.Event().wait()
        return
    entry = {"n": len(LOG) + 1, "messages": [], "close_code": None}
    if path == "/record":
        LOG.append(entry)
    closer = None
    if "close-after" in query:
        code, reason = close_params(query)

        async def close_later():
            await asyncio.sleep(float(query["close-after"]))
            await ws.close(code, reason)

        closer = asyncio.create_task(close_later())
    try:
        async for message in ws:
            if isinstance(message, str):
                entry["messages"].append(message)
            await ws.send(message)
    except Exception:
        pass
    entry["close_code"] = ws.close_code
    if closer:
        closer.cancel()


async def serve_websockets(port):
    from websockets.asyncio.server import serve

    async with serve(websockets_handler, "127.0.0.1", port, ping_interval=None) as server:
        ready(server.sockets[0].getsockname()[1])
        await wait_for_stdin()


# ---------------------------------------------------------------- aiohttp


async def aiohttp_handler(request):
    from aiohttp import WSMsgType, web

    query = {key: value for key, value in request.query.items()}
    path = request.path
    # compress=15: permessage-deflate with a 32 KiB window when the client offers it.
    ws = web.WebSocketResponse(autoping=True, compress=15)
    await ws.prepare(request)
    if path == "/log":
        await ws.send_str(json.dumps(LOG))
        await ws.close()
        return ws
    if path == "/last-message-then-close":
        code, reason = close_params(query)
        await ws.send_str("last message")
        await ws.close(code=code, message=(reason or "bye").encode())
        return ws
    if path == "/half-close":
        await asyncio.sleep(float(query.get("after", 0.2)))
        request.transport.pause_reading()
        request.transport.write(RAW_CLOSE_1000)
        await asyncio.Event().wait()
        return ws
    entry = {"n": len(LOG) + 1, "messages": [], "close_code": None}
    if path == "/record":
        LOG.append(entry)
    closer = None
    if "close-after" in query:
        code, reason = close_params(query)

        async def close_later():
            await asyncio.sleep(float(query["close-after"]))
            await ws.close(code=code, message=reason.encode())

        closer = asyncio.create_task(close_later())
    async for message in ws:
        if message.type == WSMsgType.TEXT:
            entry["messages"].append(message.data)
            await ws.send_str(message.data)
        elif message.type == WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    entry["close_code"] = ws.close_code
    if closer:
        closer.cancel()
    return ws


async def serve_aiohttp(port):
    from aiohttp import web

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", aiohttp_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    ready(site._server.sockets[0].getsockname()[1])
    await wait_for_stdin()
    await runner.cleanup()


# ---------------------------------------------------------------- common


def ready(port):
    print("READY", port, flush=True)


async def wait_for_stdin():
    await lifeline.hold_async()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lib", choices=["websockets", "aiohttp"], required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    serve = serve_websockets if args.lib == "websockets" else serve_aiohttp
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()

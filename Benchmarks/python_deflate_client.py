"""The Python websockets side of wsmon-client-bench's deflate workload (d): connects with
its default permessage-deflate offer, receives N messages, prints "WALL CPU" in seconds
(wall from the start of the connection to the last message; CPU of this process)."""
import asyncio
import sys
import time

from websockets.asyncio.client import connect


async def main(url, count):
    cpu = time.process_time()
    start = time.perf_counter()
    async with connect(url, max_size=None, ping_interval=None) as ws:
        for _ in range(count):
            await ws.recv()
        wall = time.perf_counter() - start
    print(f"{wall:.6f} {time.process_time() - cpu:.6f}")


asyncio.run(main(sys.argv[1], int(sys.argv[2])))

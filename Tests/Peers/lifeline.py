"""Ties a test peer's life to the test process that started it.

Closing stdin is not enough on its own: the write end of one peer's stdin pipe can be
inherited by a sibling process, and then no EOF ever comes. So a peer also exits when its
parent changes (the test process died) and on SIGTERM, running `on_exit` first.
"""

import os
import signal
import sys
import threading
import time


def hold(on_exit=lambda: None):
    """Blocks until stdin closes, the parent process goes away or SIGTERM arrives; then exits."""
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    _watch(done)
    while not done.wait(0.5):
        pass
    on_exit()
    os._exit(0)


async def hold_async():
    """`hold` for asyncio programs (call it from the loop's thread)."""
    import asyncio

    loop = asyncio.get_running_loop()
    done = threading.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    _watch(done)
    await loop.run_in_executor(None, done.wait)
    os._exit(0)


def _watch(done):
    parent = os.getppid()

    def read_stdin():
        sys.stdin.read()
        done.set()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        done.set()

    threading.Thread(target=read_stdin, daemon=True).start()
    threading.Thread(target=watch_parent, daemon=True).start()

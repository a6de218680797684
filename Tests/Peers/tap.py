"""Runs ../shared/tools/wstap.py on a free port in front of 127.0.0.1:UPSTREAM_PORT.

Usage: tap.py WSTAP_PATH UPSTREAM_PORT LOGFILE — prints "READY <port>" once the tap accepts
connections; stops the tap when stdin closes.
"""

import socket
import subprocess
import sys
import time

import lifeline

wstap, upstream, logfile = sys.argv[1], sys.argv[2], sys.argv[3]
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
tap = subprocess.Popen([sys.executable, wstap, str(port), "127.0.0.1", upstream, logfile, "--seconds", "600"])
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
        break
    except OSError:
        time.sleep(0.02)
print("READY", port, flush=True)
lifeline.hold(on_exit=tap.kill)

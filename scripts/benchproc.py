"""What the benchmark scripts read about a process from /proc (CPU time, RSS, sockets), and the lab they run."""

import os
import re
import resource
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
BINARY = os.environ.get("WSMON_BINARY", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "wsmon"))


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kib(pid):
    match = re.search(r"VmRSS:\s+(\d+) kB", open(f"/proc/{pid}/status").read())
    return int(match.group(1))


def open_sockets(pid):
    return sum(1 for fd in os.listdir(f"/proc/{pid}/fd") if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"))


def wait_for_sockets(pid, count, limit):
    """Waits until `pid` has `count` sockets open, or `limit` seconds; returns the wait."""
    start = time.monotonic()
    while open_sockets(pid) < count and time.monotonic() - start < limit:
        time.sleep(0.2)
    return time.monotonic() - start


def start_lab():
    """`wsmon lab` in a process of its own; returns it and its feed URL at 1 message/s."""
    lab = subprocess.Popen([BINARY, "lab", "--port", "0"], stdout=subprocess.PIPE, text=True)
    port = re.search(r":(\d+)/", lab.stdout.readline()).group(1)
    return lab, f"ws://127.0.0.1:{port}/feed?rate=1&size=32"


def setup():
    """Reads `[SESSIONS] [SECONDS]` (defaults 10000 and 30), raises the open-file limit for
    that many sessions and starts the lab; returns sessions, seconds, the lab and its URL."""
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, sessions * 2 + 1000)), hard))
    lab, url = start_lab()
    return sessions, seconds, lab, url

#!/usr/bin/env python3
"""Benchmark: `wsmon replay` on a big record.

Usage: scripts/replay-bench.py FILE
Prints, for FILE: the time and peak RSS to load and index it (`replay --headless --until
+0s`, which reads every line's leading fields and prints the first instant's lines); the
time from starting `wsmon replay FILE` in a 200×60 tmux window to its first screen, and the
RSS then; and the same for `--at` the record's end (every event applied to the monitor),
the figure to compare with the live run that wrote the record (`scripts/dashboard-bench.py
SESSIONS SECONDS --record FILE` prints that run's RSS).
Builds nothing: run `swift build -c release --product wsmon` first (or set WSMON_BINARY).
"""

import re
import resource
import subprocess
import sys
import time

from benchproc import BINARY, rss_kib

def tmux(socket, *arguments):
    return subprocess.run(
        ["tmux", "-L", socket, *arguments], stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True
    ).stdout


def first_screen(record, *options):
    """Seconds until the table shows a session row, and the RSS (KiB) then."""
    # A server of its own each time: a new one may not start while the last one exits.
    socket = f"wsmon-replay-bench-{len(options)}"
    command = f"exec env LANG=C.UTF-8 TERM=tmux-256color {BINARY} replay --paused {' '.join(options)} '{record}'"
    try:
        start = time.monotonic()
        tmux(socket, "-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", "200", "-y", "60", "sh", "-c", command)
        pid = int(tmux(socket, "display-message", "-p", "-t", "bench", "#{pane_pid}"))
        # A row: its number, a name, then a state's symbol.
        row = re.compile(r"^\s+\d+ \S.* [◌●◑◐◒↻○] ", re.MULTILINE)
        while not row.search(tmux(socket, "capture-pane", "-p", "-t", "bench")):
            if time.monotonic() - start > 600:
                raise SystemExit("no first screen within 600 s")
            time.sleep(0.02)
        elapsed = time.monotonic() - start
        return elapsed, rss_kib(pid)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)


def main():
    record = sys.argv[1]
    start = time.monotonic()
    subprocess.run([BINARY, "replay", "--headless", "--until", "+0s", record], stdout=subprocess.DEVNULL, check=True)
    indexed = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"wsmon replay {record}")
    print(f"  load and index (--headless)  {indexed:.2f} s, peak RSS {peak / 1024:.0f} MiB")
    seconds, rss = first_screen(record)
    print(f"  first screen at 200×60       {seconds:.2f} s, RSS {rss / 1024:.0f} MiB   (target ≤ 3 s)")
    seconds, rss = first_screen(record, "--at", "+1000000s")
    print(f"  first screen at its end      {seconds:.2f} s, RSS {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

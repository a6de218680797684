#!/usr/bin/env python3
"""Benchmark: the dashboard with many sessions against the lab at 1 message/s each.

Usage: scripts/dashboard-bench.py [SESSIONS] [SECONDS] [--record FILE]   (defaults 10000 and 30)
Runs `wsmon --count SESSIONS --parallel-handshakes URL` in a 200×60 tmux window, waits
until the header shows every session open, then for SECONDS pages through the table once
a second as a person would, and prints wsmon's total CPU over that time as a share of one
core, its RSS, and the time to draw one frame (render, diff and terminal writes) as the
help overlay reports it. The lab runs in its own process. With --record the run also writes
FILE (with --frames): `scripts/replay-bench.py FILE` then compares the replay's memory with
this run's.
Builds nothing: run `swift build -c release --product wsmon` first (or set WSMON_BINARY).
"""

import re
import subprocess
import sys
import time

from benchproc import BINARY, cpu_seconds, rss_kib, setup

SOCKET = "wsmon-dashboard-bench"


def tmux(*arguments, capture=False):
    result = subprocess.run(
        ["tmux", "-L", SOCKET, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        check=True,
    )
    return result.stdout


def main():
    record = None
    if "--record" in sys.argv:
        at = sys.argv.index("--record")
        record = sys.argv[at + 1]
        del sys.argv[at : at + 2]
    sessions, seconds, lab, url = setup()
    command = (
        f"exec env LANG=C.UTF-8 TERM=tmux-256color {BINARY} --count {sessions} --ping-interval 0"
        f" --parallel-handshakes '{url}'" + (f" --record '{record}' --frames" if record else "")
    )
    try:
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", "200", "-y", "60", "sh", "-c", command)
        tmux("set-option", "-t", "bench", "status", "off")
        pid = int(tmux("display-message", "-p", "-t", "bench", "#{pane_pid}", capture=True))
        start = time.monotonic()
        # Every session open: the header says so.
        while f"●{sessions} open" not in tmux("capture-pane", "-p", "-t", "bench", capture=True):
            if time.monotonic() - start > 120:
                raise SystemExit("not every session opened within 120 s")
            time.sleep(0.5)
        opened_after = time.monotonic() - start
        time.sleep(1)
        cpu_start, steady_start = cpu_seconds(pid), time.monotonic()
        while time.monotonic() - steady_start < seconds:
            tmux("send-keys", "-t", "bench", "PageDown")
            time.sleep(1)
        cpu = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - steady_start)
        rss = rss_kib(pid)
        tmux("send-keys", "-t", "bench", "?")
        time.sleep(0.5)
        screen = tmux("capture-pane", "-p", "-t", "bench", capture=True)
        tmux("send-keys", "-t", "bench", "Escape", "q", "q")
        time.sleep(1)
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], stderr=subprocess.DEVNULL)
        lab.terminate()
    drawing = re.search(r"drawing (\d+) frames, ([\d.]+)(ms|s) mean, ([\d.]+)(ms|s) slowest", screen)
    print(f"wsmon dashboard at 200×60, {sessions} sessions × 1 message/s, {seconds} s once all are open (lab in another process)")
    print(f"  all sessions open after      {opened_after:.1f} s")
    print(f"  RSS                          {rss / 1024:.1f} MiB ({rss * 1024 / sessions / 1024:.1f} KiB per session)")
    print(f"  CPU in the steady state      {cpu * 100:.1f} % of one core   (target ≤ 30 %)")
    if drawing:
        frames, mean, mean_unit, slowest, slowest_unit = drawing.groups()
        print(f"  time to draw a frame         {mean} {mean_unit} mean, {slowest} {slowest_unit} slowest, over {frames} frames   (target ≤ 5 ms)")
    else:
        print("  time to draw a frame         (help overlay not found)\n" + screen)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: `wsmon --headless` with many sessions against the lab at 1 message/s each.

Usage: scripts/monitor-bench.py [SESSIONS] [SECONDS]   (defaults 10000 and 30)
Builds nothing: run `swift build -c release --product wsmon` first (or set WSMON_BINARY). The lab runs in its own
process (`wsmon lab`), so the figures are wsmon's alone. Prints RSS per session (the RSS
with SESSIONS sessions minus the RSS with one, divided by SESSIONS - 1) and the CPU used
in the steady state (after every session is open), as a share of one core.
"""

import resource
import subprocess
import sys
import time

from benchproc import BINARY, cpu_seconds, rss_kib, start_lab, wait_for_sockets


def run(url, sessions, seconds):
    wsmon = subprocess.Popen(
        [BINARY, "--headless", "--count", str(sessions), "--ping-interval", "0", "--duration", f"{seconds}s", url],
        stdout=subprocess.DEVNULL,
    )
    start = time.monotonic()
    opened_after = wait_for_sockets(wsmon.pid, sessions, seconds / 2)
    time.sleep(1)
    cpu_start, steady_start = cpu_seconds(wsmon.pid), time.monotonic()
    time.sleep(max(1, seconds - (time.monotonic() - start) - 1))
    cpu = (cpu_seconds(wsmon.pid) - cpu_start) / (time.monotonic() - steady_start)
    rss = rss_kib(wsmon.pid)
    wsmon.wait()
    return opened_after, cpu, rss


def main():
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, sessions * 2 + 1000)), hard))
    lab, url = start_lab()
    try:
        _, _, baseline = run(url, 1, 10)
        opened_after, cpu, rss = run(url, sessions, seconds)
    finally:
        lab.terminate()
    per_session = (rss - baseline) * 1024 / max(1, sessions - 1)
    print(f"wsmon --headless, {sessions} sessions × 1 message/s for {seconds} s (lab in another process)")
    print(f"  all sessions open after      {opened_after:.1f} s")
    print(f"  RSS with 1 session           {baseline / 1024:.1f} MiB")
    print(f"  RSS with {sessions} sessions   {rss / 1024:.1f} MiB")
    print(f"  RSS per session              {per_session / 1024:.1f} KiB   (target ≤ 20 KB)")
    print(f"  CPU in the steady state      {cpu * 100:.1f} % of one core   (target ≤ 25 %)")


if __name__ == "__main__":
    main()

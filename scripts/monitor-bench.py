#!/usr/bin/env python3
"""Benchmark: `wsmon --headless` with many sessions against the lab at 1 message/s each.

Usage: scripts/monitor-bench.py [SESSIONS] [SECONDS]   (defaults 10000 and 30)
Sessions open with --parallel-handshakes; SECONDS of steady state are measured from 5 s
after every session's TCP connection exists (the handshakes are done by then).
Builds nothing: run `swift build -c release --product wsmon` first (or set WSMON_BINARY). The lab runs in its own
process (`wsmon lab`), so the figures are wsmon's alone. Prints RSS per session (the RSS
with SESSIONS sessions minus the RSS with one, divided by SESSIONS - 1) and the CPU used
in the steady state (after every session is open), as a share of one core.
"""

import signal
import subprocess
import time

from benchproc import BINARY, cpu_seconds, rss_kib, setup, wait_for_sockets


def run(url, sessions, seconds):
    """Opens `sessions`, waits until all are connected and settled, then measures `seconds`."""
    wsmon = subprocess.Popen(
        [BINARY, "--headless", "--count", str(sessions), "--ping-interval", "0", "--parallel-handshakes", url],
        stdout=subprocess.DEVNULL,
    )
    opened_after = wait_for_sockets(wsmon.pid, sessions, 120)
    # Parallel handshakes finish within a second or two of the last connect.
    time.sleep(5)
    cpu_start, steady_start = cpu_seconds(wsmon.pid), time.monotonic()
    time.sleep(seconds)
    cpu = (cpu_seconds(wsmon.pid) - cpu_start) / (time.monotonic() - steady_start)
    rss = rss_kib(wsmon.pid)
    wsmon.send_signal(signal.SIGINT)
    wsmon.wait()
    return opened_after, cpu, rss


def main():
    sessions, seconds, lab, url = setup()
    try:
        _, _, baseline = run(url, 1, 5)
        opened_after, cpu, rss = run(url, sessions, seconds)
    finally:
        lab.terminate()
    per_session = (rss - baseline) * 1024 / max(1, sessions - 1)
    print(f"wsmon --headless, {sessions} sessions × 1 message/s, {seconds} s once all are open (lab in another process)")
    print(f"  all sessions connected after {opened_after:.1f} s")
    print(f"  RSS with 1 session           {baseline / 1024:.1f} MiB")
    print(f"  RSS with {sessions} sessions   {rss / 1024:.1f} MiB")
    print(f"  RSS per session              {per_session / 1024:.1f} KiB   (target ≤ 20 KB)")
    print(f"  CPU in the steady state      {cpu * 100:.1f} % of one core   (target ≤ 25 %)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: `wsmon --headless` with many sessions against the lab at 1 message/s each.

Usage: scripts/monitor-bench.py [SESSIONS] [SECONDS] [--metrics]   (defaults 10000 and 30)
Sessions open with --parallel-handshakes; SECONDS of steady state are measured from 5 s
after every session's TCP connection exists (the handshakes are done by then).
Builds nothing: run `swift build -c release --product wsmon` first (or set WSMON_BINARY). The lab runs in its own
process (`wsmon lab`), so the figures are wsmon's alone. Prints RSS per session (the RSS
with SESSIONS sessions minus the RSS with one, divided by SESSIONS - 1) and the CPU used
in the steady state (after every session is open), as a share of one core.

With --metrics it runs four times, alternating without and with `--metrics` (so a drift
of the host's speed falls on both alike), scraping /metrics every second through the
steady state of the runs with it, and prints the CPU of each pair side by side, their
mean difference, and the time to serve one scrape (from request to last byte).
"""

import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from benchproc import BINARY, cpu_seconds, rss_kib, setup, wait_for_sockets


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scrape_every_second(port, stop, times, sizes):
    """Scrapes until `stop` is set, one scrape a second; records each one's time and size."""
    while not stop.wait(1):
        start = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            body = response.read()
        times.append(time.monotonic() - start)
        sizes.append(len(body))


def run(url, sessions, seconds, metrics_port=None):
    """Opens `sessions`, waits until all are connected and settled, then measures `seconds`."""
    arguments = [BINARY, "--headless", "--count", str(sessions), "--ping-interval", "0", "--parallel-handshakes", url]
    if metrics_port:
        arguments += ["--metrics", f"127.0.0.1:{metrics_port}"]
    wsmon = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opened_after = wait_for_sockets(wsmon.pid, sessions, 120)
    # Parallel handshakes finish within a second or two of the last connect.
    time.sleep(5)
    stop, times, sizes = threading.Event(), [], []
    scraper = None
    if metrics_port:
        scraper = threading.Thread(target=scrape_every_second, args=(metrics_port, stop, times, sizes))
        scraper.start()
    cpu_start, steady_start = cpu_seconds(wsmon.pid), time.monotonic()
    time.sleep(seconds)
    cpu = (cpu_seconds(wsmon.pid) - cpu_start) / (time.monotonic() - steady_start)
    stop.set()
    if scraper:
        scraper.join()
    rss = rss_kib(wsmon.pid)
    wsmon.send_signal(signal.SIGINT)
    wsmon.wait()
    return opened_after, cpu, rss, times, sizes


def main():
    with_metrics = "--metrics" in sys.argv
    if with_metrics:
        sys.argv.remove("--metrics")
    sessions, seconds, lab, url = setup()
    try:
        _, _, baseline, _, _ = run(url, 1, 5)
        opened_after, cpu, rss, _, _ = run(url, sessions, seconds)
        pairs, times, sizes = [], [], []
        if with_metrics:
            for round in range(2):
                without = cpu if round == 0 else run(url, sessions, seconds)[1]
                _, metrics_cpu, metrics_rss, scrape_times, scrape_sizes = run(url, sessions, seconds, free_port())
                pairs.append((without, metrics_cpu))
                times += scrape_times
                sizes += scrape_sizes
    finally:
        lab.terminate()
    per_session = (rss - baseline) * 1024 / max(1, sessions - 1)
    print(f"wsmon --headless, {sessions} sessions × 1 message/s, {seconds} s once all are open (lab in another process)")
    print(f"  all sessions connected after {opened_after:.1f} s")
    print(f"  RSS with 1 session           {baseline / 1024:.1f} MiB")
    print(f"  RSS with {sessions} sessions   {rss / 1024:.1f} MiB")
    print(f"  RSS per session              {per_session / 1024:.1f} KiB   (target ≤ 20 KB)")
    print(f"  CPU in the steady state      {cpu * 100:.1f} % of one core   (target ≤ 25 %)")
    if with_metrics:
        print(f"  with --metrics, scraped every second ({len(times)} scrapes of {statistics.mean(sizes) / 1024:.0f} KiB):")
        for without, with_ in pairs:
            print(f"  CPU without / with metrics   {without * 100:.1f} % / {with_ * 100:.1f} % of one core")
        difference = statistics.mean(with_ - without for without, with_ in pairs)
        print(f"  CPU for metrics              {difference * 100:+.1f} points (mean of the pairs; target ≤ +1)")
        print(f"  RSS                          {metrics_rss / 1024:.1f} MiB")
        print(f"  time to serve one scrape     median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms   (target ≤ 20 ms)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: fifty flooding servers and one quiet echo on wsmon's one event loop.

Usage: scripts/fairness-bench.py [SECONDS]   (default 10)
Runs the real `wsmon --headless` (a release build: `swift build -c release --product wsmon`
first, or set WSMON_BINARY) with a config of 50 sessions on the lab's `/flood?size=1024`
and one on `/echo` that pings every 50 ms, its JSON Lines written to a file (every flooded
message is encoded, as in real use). Prints how long the 51 sessions took to open and the
echo's ping round trips while the floods run: median, p99 and max. The lab runs in its own
process. The same setup as the FairnessTests case, which checks a looser bound in debug.
"""

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime

from benchproc import BINARY, start_lab


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    lab, feed = start_lab()
    base = feed.split("/feed")[0]
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "fairness.toml")
        output = os.path.join(folder, "out.jsonl")
        with open(config, "w") as file:
            file.write(
                f'duration = "{seconds}s"\n'
                f'[[session]]\nname = "flood"\nurl = "{base}/flood?size=1024"\ncount = 50\nping_interval = "off"\n'
                f'[[session]]\nname = "echo"\nurl = "{base}/echo"\nping_interval = "50ms"\n'
            )
        try:
            with open(output, "w") as out:
                started = datetime.now().astimezone()
                subprocess.run([BINARY, "--config", config, "--headless"], stdout=out, check=False, timeout=seconds + 60)
        finally:
            lab.terminate()
        opens, rtts, messages = {}, [], 0
        with open(output) as lines:
            for line in lines:
                if '"event":"message"' in line:
                    messages += 1
                    continue
                event = json.loads(line)
                if event["event"] == "open":
                    opens.setdefault(event["session"], datetime.fromisoformat(event["time"].replace("Z", "+00:00")))
                elif event["event"] == "rtt" and event["name"] == "echo":
                    rtts.append(event["rtt_ms"])
    if len(opens) < 51 or not rtts:
        sys.exit(f"fairness-bench: {len(opens)} of 51 sessions opened, {len(rtts)} round trips")
    rtts.sort()
    opened_in = (max(opens.values()) - started).total_seconds()
    print(f"wsmon --headless, 50 floods (1 KiB messages) + 1 echo pinged every 50 ms, {seconds} s, one event loop")
    print(f"  all 51 open after            {opened_in:.2f} s")
    print(f"  flood messages received      {messages:,} ({messages / seconds:,.0f}/s)")
    print(f"  echo ping round trips        {len(rtts)}: median {rtts[len(rtts) // 2]:.1f} ms, "
          f"p99 {rtts[min(len(rtts) - 1, len(rtts) * 99 // 100)]:.1f} ms, max {rtts[-1]:.1f} ms   (target p99 ≤ 50 ms)")


if __name__ == "__main__":
    main()

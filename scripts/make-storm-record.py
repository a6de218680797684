#!/usr/bin/env python3
"""Writes a synthetic wsmon record (format version 1) of a reconnect storm, for the replay
benchmark in the README: SESSIONS sessions over MINUTES minutes, each receiving a small JSON
message every few seconds and dropped (TCP EOF, no Close) every 20-100 s, then reconnecting
after a jittered backoff; --frames lines included. Lines are in time order, as wsmon writes
them. Usage: scripts/make-storm-record.py OUT [SESSIONS=10000] [MINUTES=30] [MB=1024]
(messages are padded so the file comes out near MB megabytes)."""

import heapq
import json
import random
import sys
import time as clock

out_path = sys.argv[1]
sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
minutes = float(sys.argv[3]) if len(sys.argv) > 3 else 30
target_mb = float(sys.argv[4]) if len(sys.argv) > 4 else 1024
start = 1_796_126_400.0
end = start + minutes * 60
random.seed(16)

stamp_cache = {}


def stamp(t):
    whole = int(t)
    text = stamp_cache.get(whole)
    if text is None:
        text = clock.strftime("%Y-%m-%dT%H:%M:%S", clock.gmtime(whole))
        stamp_cache.clear()
        stamp_cache[whole] = text
    return '{"time":"%s.%06dZ"' % (text, int((t - whole) * 1e6))


# About 40 message pairs (message + frame) per connection-minute; pad to reach the size.
message_interval = 3.0
lines_per_message = 2
expected_messages = sessions * minutes * 60 / message_interval
pad = max(0, int(target_mb * 1e6 / (expected_messages * lines_per_message) - 330))
payload = '{"seq":%d,"price":101.25,"pad":"' + "x" * pad + '"}'

with open(out_path, "w") as out:
    out.write(stamp(start - 0.001) + ',"event":"record","format":"wsmon-record","version":1,"part":1,'
              '"frames":true,"sessions":%d}\n' % sessions)
    for s in range(1, sessions + 1):
        out.write(stamp(start - 0.001) + ',"event":"session","session":%d,"name":"feed #%d",'
                  '"url":"ws://10.0.0.1:8080/feed","insecure":false,"open_timeout_ns":10000000000,'
                  '"close_timeout_ns":10000000000,"transport_close_grace_ns":2000000000,'
                  '"pong_timeout_ns":20000000000,"reconnect":true,"backoff_initial_ns":1000000000,'
                  '"backoff_multiplier":2.000,"backoff_cap_ns":60000000000}\n' % (s, s))
    # (time, session, step): connect, open, message, drop.
    queue = [(start + random.random(), s, "connect") for s in range(1, sessions + 1)]
    heapq.heapify(queue)
    state = {s: {"connection": 0, "attempt": 1, "seq": 0, "drop_at": 0.0} for s in range(1, sessions + 1)}
    while queue:
        t, s, step = heapq.heappop(queue)
        if t >= end:
            continue
        st = state[s]
        head = stamp(t) + ',"session":%d,"name":"feed #%d","connection":%d,' % (s, s, st["connection"])
        if step == "connect":
            out.write(head + '"event":"state","state":"connecting"}\n')
            out.write(head + '"event":"connecting","attempt":%d,"url":"ws://10.0.0.1:8080/feed",'
                      '"key":"dGhlIHNhbXBsZSBub25jZQ==","request_headers":[["Host","10.0.0.1:8080"],'
                      '["Upgrade","websocket"],["Connection","Upgrade"],["Sec-WebSocket-Key",'
                      '"dGhlIHNhbXBsZSBub25jZQ=="],["Sec-WebSocket-Version","13"],["User-Agent","wsmon"]]}\n'
                      % st["attempt"])
            heapq.heappush(queue, (t + 0.002 + random.random() * 0.01, s, "open"))
        elif step == "open":
            st["connection"] += 1
            st["attempt"] = 1
            head = stamp(t) + ',"session":%d,"name":"feed #%d","connection":%d,' % (s, s, st["connection"])
            out.write(head + '"event":"state","state":"open"}\n')
            out.write(head + '"event":"open","reconnect":%s,"status":101,"reason_phrase":"Switching Protocols",'
                      '"response_headers":[["Upgrade","websocket"],["Connection","Upgrade"],'
                      '["Sec-WebSocket-Accept","s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]]}\n'
                      % ("true" if st["connection"] > 1 else "false"))
            st["drop_at"] = t + 20 + random.random() * 80
            heapq.heappush(queue, (t + random.random() * message_interval, s, "message"))
        elif step == "message":
            if t >= st["drop_at"]:
                heapq.heappush(queue, (t, s, "drop"))
                continue
            st["seq"] += 1
            text = payload % st["seq"]
            size = len(text)
            preview = text[:32].encode().hex()
            out.write(head + '"event":"frame","direction":"in","opcode":"text","fin":true,"rsv":0,'
                      '"masked":false,"size":%d,"preview_hex":"%s","truncated":true}\n' % (size, preview))
            out.write(head + '"event":"message","opcode":"text","size":%d,"preview":%s,"truncated":true,'
                      '"data":%s}\n' % (size, json.dumps(text[:200]), json.dumps(text)))
            heapq.heappush(queue, (t + message_interval, s, "message"))
        elif step == "drop":
            out.write(head + '"event":"state","state":"reconnecting"}\n')
            out.write(head + '"event":"closed","code":1006,"reason":"","initiator":"transport","clean":false,'
                      '"tcp_closed_by":"peer","violations":0,"cause":"eof_without_close"}\n')
            delay = random.random()
            out.write(head + '"event":"reconnect_scheduled","attempt":1,"delay_ms":%.3f,"delay_ns":%d}\n'
                      % (delay * 1000, int(delay * 1e9)))
            heapq.heappush(queue, (t + delay, s, "connect"))

#!/usr/bin/env bash
# Builds the libFuzzer target over WSMonCore's receive path and runs it.
#   FuzzTesting/run.sh [SECONDS]        fuzz (default 600 s), corpus in FuzzTesting/corpus
#   FuzzTesting/run.sh --regressions    replay every file in FuzzTesting/FailCases once
set -euo pipefail
cd "$(dirname "$0")"
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product FuzzCore >&2
BIN="$(swift build -c release --show-bin-path)/FuzzCore"
if [ "${1:-}" = "--regressions" ]; then
  shopt -s nullglob
  cases=(FailCases/*)
  [ ${#cases[@]} -eq 0 ] && { echo "no fail cases"; exit 0; }
  exec "$BIN" "${cases[@]}"
fi
mkdir -p corpus artifacts
exec "$BIN" -max_total_time="${1:-600}" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix=artifacts/ corpus Seeds

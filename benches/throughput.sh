#!/usr/bin/env bash
# The throughput benchmark of `docket classify` (issue 6). One command:
#
#     bash benches/throughput.sh            # 1M and 10M rows
#     ROWS="1000000" bash benches/throughput.sh
#
# Builds in release mode, writes deterministic synthetic inputs to
# target/bench (a canonical CSV per size, ~93 bytes a row, and a TSO
# allocation table of 100,000 nested prefixes), then for each size runs
#   (a) examples/passthrough: read + write the CSV with the csv crate only,
#   (b) docket classify --threads 1,
#   (c) docket classify with every thread,
# and prints wall time, rows/s, MB/s of input, peak resident memory and
# the processor time spent in docket and in the kernel (from /usr/bin/time
# -v; wall time only when it is missing) and the ratios of (b) and (c) to
# (a). The kernel's share is printed because on a virtual machine it is
# what varies most from run to run: writing 1.7 GB of output took from 0.6
# to 3.2 s of system time in runs of one and the same binary. It checks
# that 1 and 2 threads give identical output (the same SHA-256), and that
# peak memory for the largest size is at most 1.2 times that for the
# smallest.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${ROWS:-1000000 10000000}"
PREFIXES="${PREFIXES:-100000}"
DIR=target/bench
mkdir -p "$DIR"

cargo build --release --locked --bin docket --example bench_data --example passthrough >&2
BIN=target/release
THREADS=$(nproc)

# shellcheck source=support/timing.sh
. benches/support/timing.sh
STDERR_LOG="$DIR/stderr.log"

# measure OUTPUT COMMAND...: runs COMMAND, which writes OUTPUT (see
# `timed`); prints "SECONDS MAX_RSS_KB USER_SECONDS SYSTEM_SECONDS".
measure() {
    local output=$1 log="$DIR/time.log"
    shift
    rm -f "$DIR/rejects.csv"
    timed "$log" "$output" "$@"
    echo "$(wall_seconds "$log") $(time_field "$log" 'Maximum resident set size \(kbytes\)')" \
        "$(time_field "$log" 'User time \(seconds\)') $(time_field "$log" 'System time \(seconds\)')"
}

# digest FILE: the SHA-256 of FILE, to compare outputs without keeping two.
digest() {
    sha256sum "$1" | cut -d' ' -f1
}

table="$DIR/allocations-$PREFIXES.csv"
printf '%-12s %-26s %8s %12s %9s %10s %6s %6s %8s\n' rows run seconds rows/s MB/s "peak RSS" user sys "vs (a)"
first_rss=""
last_rss=""
for rows in $ROWS; do
    events="$DIR/events-$rows.csv"
    if [ ! -s "$events" ] || [ ! -s "$table" ]; then
        "$BIN/examples/bench_data" "$rows" "$events" "$PREFIXES" "$table"
    fi
    mb=$(stat -c %s "$events" | awk '{print $1 / 1000000}')
    classify=("$BIN/docket" classify --rules rules/usda --allocations "$table" --quiet --rejects "$DIR/rejects.csv")
    # Each run's output is removed (classify's reduced to its SHA-256 first)
    # before the next run: with the one-thread output (1.7 GB for 10M rows)
    # left on disk, the all-threads run that followed spent 1.4 to 3.7 s
    # more in the kernel and took twice as long as it does alone.
    read -r pass_s pass_rss pass_user pass_sys < <(measure "$DIR/pass.csv" "$BIN/examples/passthrough" "$events" "$DIR/pass.csv")
    rm -f "$DIR/pass.csv"
    read -r one_s one_rss one_user one_sys < <(measure "$DIR/out-1.csv" "${classify[@]}" --threads 1 -o "$DIR/out-1.csv" "$events")
    one_sum=$(digest "$DIR/out-1.csv")
    rm -f "$DIR/out-1.csv"
    read -r all_s all_rss all_user all_sys < <(measure "$DIR/out-all.csv" "${classify[@]}" --threads "$THREADS" -o "$DIR/out-all.csv" "$events")
    all_sum=$(digest "$DIR/out-all.csv")
    rm -f "$DIR/out-all.csv"
    for run in "(a) passthrough:$pass_s:$pass_rss:$pass_user:$pass_sys" \
        "(b) classify, 1 thread:$one_s:$one_rss:$one_user:$one_sys" \
        "(c) classify, $THREADS threads:$all_s:$all_rss:$all_user:$all_sys"; do
        IFS=: read -r name secs rss user sys <<<"$run"
        awk -v rows="$rows" -v name="$name" -v s="$secs" -v mb="$mb" -v rss="$rss" -v user="$user" -v sys="$sys" -v base="$pass_s" 'BEGIN {
            printf "%-12d %-26s %8.2f %12.0f %9.1f %7.1f MB %6.2f %6.2f %7.2fx\n", rows, name, s, rows / s, mb / s, rss / 1024, user, sys, s / base }'
    done
    if [ "$one_sum" != "$all_sum" ]; then
        echo "FAIL: output with 1 and $THREADS threads differs ($rows rows)"
        exit 1
    fi
    if [ "$THREADS" != 2 ]; then
        "${classify[@]}" --threads 2 -o "$DIR/out-2.csv" "$events" 2>/dev/null
        [ "$one_sum" = "$(digest "$DIR/out-2.csv")" ] || { echo "FAIL: 1 and 2 threads differ"; exit 1; }
    fi
    echo "$rows rows: output identical with 1 and 2 threads"
    first_rss="${first_rss:-$all_rss}"
    last_rss="$all_rss"
    rm -f "$DIR/out-2.csv"
done
awk -v a="$first_rss" -v b="$last_rss" 'BEGIN {
    printf "peak RSS, largest over smallest input (all threads): %.2f (target <= 1.2)\n", b / a }'

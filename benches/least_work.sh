#!/usr/bin/env bash
# The least work per row, next to the pass-through and `docket classify`
# (issue 6): how far one thread of classify is from what any classifier
# of this input must do. One command:
#
#     bash benches/least_work.sh          # 1M rows, 5 rounds
#     RUNS=9 bash benches/least_work.sh
#
# Uses the inputs benches/throughput.sh writes (run that first). Each round
# runs, one after the other: the csv-crate pass-through, examples/least_work
# at steps 0 to 4 (docket's row reader and raw writes; + reading the two
# addresses and the timestamp; + the agency lookup; + as many output bytes
# as classify writes; or, instead, a classify-shaped row from a sketch of
# the cheapest classifier) and `docket classify --threads 1`. It prints the
# median processor time (user + system, from /usr/bin/time) of each, and
# its ratio to the pass-through's.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-5}"
DIR=target/bench
events="$DIR/events-1000000.csv"
table="$DIR/allocations-100000.csv"
[ -s "$events" ] && [ -s "$table" ] || {
    echo "run ROWS=1000000 bash benches/throughput.sh first (it writes $events and $table)" >&2
    exit 2
}
cargo build --release --locked --bin docket --example passthrough --example least_work >&2
BIN=target/release
out="$DIR/least-work-out.csv"

# cpu NAME COMMAND...: runs COMMAND, appends "NAME SECONDS" (user + system).
# shellcheck source=support/timing.sh
. benches/support/timing.sh
STDERR_LOG="$DIR/stderr.log"

# cpu NAME COMMAND...: prints NAME and the processor time (user + system)
# of COMMAND, which writes $out.
cpu() {
    local name=$1 log="$DIR/time.log"
    shift
    timed "$log" "$out" "$@"
    echo "$name $(time_field "$log" 'User time \(seconds\)') $(time_field "$log" 'System time \(seconds\)')" |
        awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}

for _ in $(seq "$RUNS"); do
    cpu "pass-through" "$BIN/examples/passthrough" "$events" "$out"
    for steps in 0 1 2 3 4; do
        cpu "least-work-$steps" "$BIN/examples/least_work" "$events" "$out" "$table" "$steps"
    done
    cpu "classify-1-thread" "$BIN/docket" classify --rules rules/usda --allocations "$table" \
        --quiet --threads 1 --rejects "$DIR/rejects.csv" -o "$out" "$events"
done | awk '
    { times[$1] = times[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END {
        for (i = 1; i <= n; i++) {
            k = split(times[order[i]], t, " ")
            for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++) if (t[b] < t[a]) { x = t[a]; t[a] = t[b]; t[b] = x }
            median[order[i]] = t[int((k + 1) / 2)]
        }
        printf "%-20s %10s %8s\n", "run", "cpu s", "vs (a)"
        for (i = 1; i <= n; i++)
            printf "%-20s %10.3f %7.2fx\n", order[i], median[order[i]], median[order[i]] / median["pass-through"]
    }'
rm -f "$out"

# Timing shared by the benchmark scripts (sourced, not run).
#
# timed LOG OUTPUT COMMAND...: runs COMMAND under `/usr/bin/time -v`, its
# report in LOG, its standard output discarded and its standard error
# appended to $STDERR_LOG (default /dev/stderr). OUTPUT, the file COMMAND
# writes, is removed and everything written before is flushed to disk
# first, so that no run pays for another's writeback or for replacing an
# old output file (ext4 flushes a file renamed or truncated over an old
# one). OUTPUT must be a regular file: docket writes its output whole by
# renaming a finished file over it, which would replace a device such as
# /dev/null.
#
# Without /usr/bin/time, LOG holds the wall time alone (and zeros for the
# other fields), measured with `date`.
timed() {
    local log=$1 output=$2
    shift 2
    rm -f "$output"
    sync
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v -o "$log" "$@" >/dev/null 2>>"${STDERR_LOG:-/dev/stderr}"
        return
    fi
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>>"${STDERR_LOG:-/dev/stderr}"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN {
        printf "\tUser time (seconds): 0\n\tSystem time (seconds): 0\n"
        printf "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:%.2f\n", e - s
        printf "\tMaximum resident set size (kbytes): 0\n" }' >"$log"
}

# time_field LOG NAME: the value of field NAME (e.g. "User time (seconds)")
# of a report `timed` wrote.
time_field() {
    awk -F': ' -v name="$2" '$1 ~ "^[ \t]*" name "$" { print $2 }' "$1"
}

# wall_seconds LOG: the elapsed wall-clock time of a report, in seconds.
wall_seconds() {
    time_field "$1" 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)' |
        awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'
}

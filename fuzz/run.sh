#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after the
# other, after building its seed corpus from the repository's fixtures, the
# shipped rules, fuzz/seeds/ and ../shared/realdata (when present).
#
#   fuzz/run.sh [SECONDS] [TARGET...]      # default 60 seconds, every target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Only a stable toolchain is
# assumed: RUSTC_BOOTSTRAP=1 lets it take the -Z flags cargo-fuzz passes, and
# AddressSanitizer is used when it builds, no sanitizer otherwise. Crashes
# land in fuzz/artifacts/TARGET/, each run's log in fuzz/artifacts/TARGET.log;
# the corpus grows in fuzz/corpus/TARGET/ from one run to the next. Exits 1
# if any target crashed.
set -euo pipefail
# Nothing here reads the terminal, and cargo's probe of rustc (`rustc -`)
# must not read whatever a calling job leaves on standard input.
exec </dev/null
cd "$(dirname "$0")"
fuzz_dir=$(pwd)
repo=$(cd .. && pwd)
realdata="$repo/../shared/realdata"

seconds=${1:-60}
shift || true
all_targets=(ruleset check condition input_csv csv_rows classify_batch classify_batch_json input_jsonl input_suricata input_snort history_csv history_jsonl allocation_table)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Copies files into a corpus directory, named after their path so that
# seeds from different places do not overwrite each other.
seed() {
    local corpus=$1
    shift
    local file
    for file in "$@"; do
        [ -f "$file" ] || continue
        cp "$file" "$corpus/seed-$(echo "${file#"$repo"/}" | tr '/' '_')"
    done
}

# Copies files into a corpus directory, each after one byte (an ASCII
# digit) that a target reads as a choice, as seed() names them.
seed_prefixed() {
    local corpus=$1 prefix=$2
    shift 2
    local file
    for file in "$@"; do
        [ -f "$file" ] || continue
        { printf '%s' "$prefix"; cat "$file"; } >"$corpus/seed-$prefix-$(echo "${file#"$repo"/}" | tr '/' '_')"
    done
}

# Cuts the first lines of a large sample into chunks of 20 lines, which
# libFuzzer mutates far better than one 2 MB file.
seed_chunks() {
    local corpus=$1 file=$2
    [ -f "$file" ] || return 0
    head -n 400 "$file" | split -l 20 - "$corpus/seed-$(basename "$file")-"
}

build_corpus() {
    local target=$1 corpus="$fuzz_dir/corpus/$1"
    mkdir -p "$corpus"
    case $target in
        ruleset | check)
            seed "$corpus" "$repo"/rules/*/*.yaml "$repo"/fixtures/check/*/*.yaml \
                "$repo"/fixtures/rule-tests/*.yaml
            ;;
        condition) ;; # fuzz/seeds/condition only
        input_csv | csv_rows | classify_batch)
            seed "$corpus" "$repo"/fixtures/classify/complaints.csv \
                "$repo"/fixtures/classify/every-category.csv "$repo"/fixtures/classify/rejects.csv
            ;;
        input_jsonl) seed "$corpus" "$repo"/fixtures/classify/canonical.jsonl ;;
        classify_batch_json)
            # The first byte picks the format: even, canonical JSON lines;
            # odd, Suricata EVE.
            seed_prefixed "$corpus" 0 "$repo"/fixtures/classify/canonical.jsonl
            seed_prefixed "$corpus" 1 "$repo"/fixtures/classify/suricata-eve.json
            ;;
        input_suricata)
            seed "$corpus" "$repo"/fixtures/classify/suricata-*.json
            seed_chunks "$corpus" "$realdata/suricata_eve_alerts_wrccdc2018.json"
            seed_chunks "$corpus" "$realdata/suricata_eve_malware_pcap_2022-02-23.ndjson"
            ;;
        input_snort)
            seed "$corpus" "$repo"/fixtures/classify/snort3-*.csv
            seed_chunks "$corpus" "$realdata/snort3_alert_csv_cicids2017_tue.txt"
            seed_chunks "$corpus" "$realdata/snort_alert_csv_honeypot_2017-07-11.csv"
            ;;
        allocation_table) seed "$corpus" "$repo"/rules/*/allocations.csv ;;
        history_csv) seed "$corpus" "$repo"/fixtures/audit/*.csv "$repo"/fixtures/audit/deadlines/*.csv ;;
        history_jsonl) seed "$corpus" "$repo"/fixtures/audit/*.jsonl ;;
        *)
            echo "unknown target $target (known: ${all_targets[*]})" >&2
            exit 2
            ;;
    esac
    # Hand-written inputs (BOM, CRLF, NUL, truncation, wrong column counts,
    # odd timestamps...): fuzz/seeds/TARGET, and the ruleset ones for check.
    local hand=$target
    [ "$target" != check ] || hand=ruleset
    case $target in classify_batch | csv_rows) seed "$corpus" "$fuzz_dir/seeds/input_csv"/* ;; esac
    seed "$corpus" "$fuzz_dir/seeds/$hand"/*
}

sanitizer=address
if ! cargo fuzz build --sanitizer address >/dev/null 2>&1; then
    echo "AddressSanitizer does not build here; fuzzing without a sanitizer" >&2
    sanitizer=none
    cargo fuzz build --sanitizer none
fi

crashed=()
for target in "${targets[@]}"; do
    build_corpus "$target"
    mkdir -p "$fuzz_dir/artifacts/$target"
    echo "== $target: ${seconds}s (sanitizer: $sanitizer)"
    started=$SECONDS
    # -timeout: an input is a hang past 60 s. Instrumented code is up to
    # 200 times slower than a release build (a YAML alias bomb that the
    # node budget stops in 0.2 s takes 35 s), and the machine may be shared.
    if cargo fuzz run --sanitizer "$sanitizer" "$target" "$fuzz_dir/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$fuzz_dir/artifacts/$target.log" 2>&1; then
        grep -E '^Done' "$fuzz_dir/artifacts/$target.log" || true
    else
        echo "   CRASH after $((SECONDS - started))s: see fuzz/artifacts/$target.log and fuzz/artifacts/$target/"
        crashed+=("$target")
    fi
done

if [ ${#crashed[@]} -gt 0 ]; then
    echo "crashed: ${crashed[*]}"
    exit 1
fi
echo "no crashes"

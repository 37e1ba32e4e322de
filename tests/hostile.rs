//! Hostile and broken input: every case gives a clear error with its
//! location, or a rejects entry with its reason — never a panic, never a
//! record silently dropped, never a half-written output file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::{Run, parse_csv, run, summary};

const HEADER: &str = "id,occurred_at,source,category,src_ip,dst_ip,signature";

/// A scan probe from an APHIS address, with the given id, time, source
/// address and signature.
fn row(id: &str, at: &str, ip: &str, signature: &str) -> String {
    format!("{id},{at},helpdesk,scan-probe,{ip},,{signature}")
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a temporary file");
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// `classify --format jsonl --rejects R INPUT` with the rows and rejects,
/// after checking the summary adds up and matches both outputs.
struct Classified {
    run: Run,
    rows: Vec<serde_json::Value>,
    rejects: Vec<BTreeMap<String, String>>,
}

fn classify(dir: &Path, input: &Path, extra: &[&str]) -> Classified {
    let rejects = dir.join("rejects.csv");
    let mut args = vec!["classify", "--format", "jsonl", "--rejects", arg(&rejects)];
    args.extend_from_slice(extra);
    args.push(arg(input));
    let run = run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
    let rejects = parse_csv(&std::fs::read_to_string(&rejects).expect("the rejects file"));
    let s = summary(&run.stderr);
    assert_eq!(s.classified, rows.len() as u64, "{}", run.stderr);
    assert_eq!(s.rejected, rejects.len() as u64, "{}", run.stderr);
    Classified { run, rows, rejects }
}

fn ids(rows: &[serde_json::Value]) -> Vec<&str> {
    rows.iter()
        .map(|r| r["id"].as_str().expect("an id"))
        .collect()
}

fn reject_at<'a>(rejects: &'a [BTreeMap<String, String>], line: &str) -> &'a str {
    rejects
        .iter()
        .find(|r| r["line"] == line)
        .unwrap_or_else(|| panic!("no reject at line {line}: {rejects:?}"))["reason"]
        .as_str()
}

#[test]
fn a_ten_megabyte_field_is_read_and_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let signature = "A".repeat(10 << 20);
    let input = write(
        dir.path(),
        "big.csv",
        format!(
            "{HEADER}\n{}\n",
            row("B-1", "2026-10-05 08:40", "199.133.4.20", &signature)
        ),
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["B-1"]);
    let csv = run(&["classify", arg(&input)]);
    assert_eq!(csv.code, 0);
    let row = csv.stdout.lines().nth(1).expect("one row");
    assert!(row.contains(&signature), "the signature comes out whole");
}

#[test]
fn invalid_utf8_rejects_its_row_naming_the_column_and_keeps_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend(row("U-1", "2026-10-05 08:40", "199.133.4.20", "bad").as_bytes());
    bytes.extend(b"\xff\xfe\n");
    bytes.extend(row("U-2", "2026-10-05 08:40", "199.133.4.20", "ok\n").as_bytes());
    let input = write(dir.path(), "utf8.csv", bytes);
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["U-2"]);
    assert_eq!(
        reject_at(&out.rejects, "2"),
        "column `signature` is not valid UTF-8"
    );
}

#[test]
fn nul_bytes_are_data_not_terminators() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "nul.csv",
        format!(
            "{HEADER}\n{}\nN-2,2026-10-05 08:40,helpdesk,scan\0probe,199.133.4.20,,x\n",
            row("N-1", "2026-10-05 08:40", "199.133.4.20", "a\0b")
        ),
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["N-1"]);
    assert_eq!(out.rows[0]["signature"], "a\0b");
    assert!(
        reject_at(&out.rejects, "3")
            .starts_with("field `category`: `scan\0probe` is not a known code"),
        "{:?}",
        out.rejects
    );
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "bom.csv",
        format!(
            "\u{feff}{HEADER}\n{}\n",
            row("M-1", "2026-10-05 08:40", "199.133.4.20", "x")
        ),
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["M-1"]);
}

#[test]
fn crlf_line_ends_keep_line_numbers_and_leave_no_carriage_returns() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        HEADER.to_owned(),
        row("R-1", "2026-10-05 08:40", "199.133.4.20", "x"),
        row("R-2", "not a time", "199.133.4.20", "x"),
        row(
            "R-3",
            "2026-10-05 08:40",
            "199.133.4.20",
            "\"two\r\nlines\"",
        ),
        row("R-4", "yesterday", "199.133.4.20", "x"),
    ]
    .join("\r\n")
        + "\r\n";
    let input = write(dir.path(), "crlf.csv", text);
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["R-1", "R-3"]);
    assert_eq!(out.rows[1]["signature"], "two\r\nlines");
    assert!(reject_at(&out.rejects, "3").contains("`not a time` is not a timestamp"));
    assert!(reject_at(&out.rejects, "6").contains("`yesterday` is not a timestamp"));
    let csv = run(&["classify", arg(&input)]);
    let flags_cell_ends = csv.stdout.lines().all(|l| !l.ends_with('\r'));
    assert!(flags_cell_ends, "no carriage return leaks into a cell");
}

#[test]
fn a_row_after_blank_lines_is_reported_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let text = [
            HEADER.to_owned(),
            row("B-1", "2026-10-05 08:40", "199.133.4.20", "x"),
            String::new(),
            String::new(),
            row("B-2", "not a time", "199.133.4.20", "x"),
            String::new(),
            row("B-3", "yesterday", "199.133.4.20", "x"),
        ]
        .join(end)
            + end;
        let input = write(dir.path(), name, text);
        let out = classify(dir.path(), &input, &[]);
        assert_eq!(ids(&out.rows), ["B-1"], "{name}");
        // Lines 3, 4 and 6 are blank: the csv crate's positions would put
        // these rows on lines 4 and 6.
        assert!(
            reject_at(&out.rejects, "5").contains("`not a time`"),
            "{name}: {:?}",
            out.rejects
        );
        assert!(
            reject_at(&out.rejects, "7").contains("`yesterday`"),
            "{name}: {:?}",
            out.rejects
        );
    }
}

#[test]
fn quoted_newlines_stay_in_their_field_and_later_lines_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "quoted.csv",
        format!(
            "{HEADER}\n{}\n{}\n",
            row(
                "Q-1",
                "2026-10-05 08:40",
                "199.133.4.20",
                "\"one\ntwo\nthree\""
            ),
            row("Q-2", "2026-10-05 08:40", "not-an-ip", "x")
        ),
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["Q-1"]);
    assert_eq!(out.rows[0]["signature"], "one\ntwo\nthree");
    assert!(
        reject_at(&out.rejects, "5").contains("not-an-ip"),
        "{:?}",
        out.rejects
    );
}

#[test]
fn a_truncated_last_json_line_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "cut.jsonl",
        "{\"id\":\"J-1\",\"occurred_at\":\"2026-10-05T08:40:00-04:00\",\"source\":\"helpdesk\",\"category\":\"scan-probe\",\"src_ip\":\"199.133.4.20\"}\n{\"id\":\"J-2\",\"occurred_at\":\"2026-10-05T08:4",
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["J-1"]);
    assert!(reject_at(&out.rejects, "2").starts_with("invalid JSON: EOF while parsing"));
}

#[test]
fn rows_with_too_many_or_too_few_columns_are_rejected_with_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "columns.csv",
        format!(
            "{HEADER}\n{},extra\nC-2,2026-10-05 08:40,helpdesk\n{}\n",
            row("C-1", "2026-10-05 08:40", "199.133.4.20", "x"),
            row("C-3", "2026-10-05 08:40", "199.133.4.20", "x")
        ),
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["C-3"]);
    assert_eq!(
        reject_at(&out.rejects, "2"),
        "expected 7 columns (as the header has), found 8"
    );
    assert_eq!(
        reject_at(&out.rejects, "3"),
        "expected 7 columns (as the header has), found 3"
    );
}

#[test]
fn local_times_take_the_ruleset_zone_and_daylight_saving_gaps_and_overlaps_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "times.csv",
        [
            HEADER.to_owned(),
            row("T-1", "2026-10-05 08:40", "199.133.4.20", "summer"),
            row("T-2", "2026-12-05 08:40", "199.133.4.20", "winter"),
            row("T-3", "2026-03-08 02:30", "199.133.4.20", "gap"),
            row("T-4", "2026-11-01 01:30", "199.133.4.20", "overlap"),
            row(
                "T-5",
                "2026-11-01T01:30:00-05:00",
                "199.133.4.20",
                "overlap with offset",
            ),
            row("T-6", "2028-02-29 10:00", "199.133.4.20", "leap day"),
            row("T-7", "2027-02-29 10:00", "199.133.4.20", "no such day"),
        ]
        .join("\n"),
    );
    let out = classify(dir.path(), &input, &[]);
    assert_eq!(ids(&out.rows), ["T-1", "T-2", "T-5", "T-6"]);
    let at: Vec<&str> = out
        .rows
        .iter()
        .map(|r| r["occurred_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        at,
        [
            "2026-10-05T08:40:00-04:00",
            "2026-12-05T08:40:00-05:00",
            "2026-11-01T01:30:00-05:00",
            "2028-02-29T10:00:00-05:00"
        ]
    );
    assert!(reject_at(&out.rejects, "4").contains("does not exist in America/New_York"));
    assert!(reject_at(&out.rejects, "5").contains("happens twice in America/New_York"));
    assert!(reject_at(&out.rejects, "8").contains("`2027-02-29 10:00` is not a timestamp"));
}

#[test]
fn an_ipv4_mapped_ipv6_address_finds_the_ipv4_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "mapped.csv",
        format!(
            "{HEADER}\n{}\n{}\n",
            row("V-1", "2026-10-05 08:40", "199.133.4.20", "v4"),
            row("V-2", "2026-10-05 08:40", "::ffff:199.133.4.20", "mapped")
        ),
    );
    let out = classify(dir.path(), &input, &[]);
    let agencies: Vec<&str> = out
        .rows
        .iter()
        .map(|r| r["agency"].as_str().unwrap())
        .collect();
    assert_eq!(agencies, ["APHIS", "APHIS"]);
}

#[test]
fn an_empty_file_holds_no_records_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["empty.csv", "empty.jsonl"] {
        let input = write(dir.path(), name, "");
        let out = classify(dir.path(), &input, &[]);
        assert!(out.rows.is_empty());
        assert!(
            out.run
                .stderr
                .contains(&format!("{} is empty", input.display()))
        );
        assert_eq!(summary(&out.run.stderr).read, 0);
    }
}

#[test]
fn a_directory_or_a_missing_file_stops_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    for input in [dir.path(), missing.as_path()] {
        let r = run(&["classify", arg(input)]);
        assert_eq!(r.code, 2);
        assert_eq!(r.stdout, "", "no header before the error");
        assert!(
            r.stderr.starts_with(&format!("error: {}", input.display())),
            "{}",
            r.stderr
        );
    }
    let r = run(&["audit", arg(dir.path())]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is a directory"), "{}", r.stderr);
}

#[test]
fn a_formula_in_a_signature_or_an_id_is_neutralised_in_csv_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "formula.csv",
        format!(
            "{HEADER}\n{}\n{}\n",
            row(
                "F-1",
                "2026-10-05 08:40",
                "199.133.4.20",
                "\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""
            ),
            row("@F-2", "2026-10-05 08:40", "not-an-ip", "+1")
        ),
    );
    let rejects = dir.path().join("rejects.csv");
    let safe = run(&["classify", "--rejects", arg(&rejects), arg(&input)]);
    let rows = parse_csv(&safe.stdout);
    assert_eq!(rows[0]["signature"], "'=HYPERLINK(\"http://evil\",\"x\")");
    let reject = std::fs::read_to_string(&rejects).unwrap();
    assert!(reject.contains("\n"), "{reject}");
    let reject_rows = parse_csv(&reject);
    assert!(
        reject_rows[0]["raw"].starts_with("'@F-2,"),
        "{reject_rows:?}"
    );

    let raw = run(&[
        "classify",
        "--raw-csv",
        "--rejects",
        arg(&rejects),
        arg(&input),
    ]);
    assert_eq!(
        parse_csv(&raw.stdout)[0]["signature"],
        "=HYPERLINK(\"http://evil\",\"x\")"
    );
    assert!(parse_csv(&std::fs::read_to_string(&rejects).unwrap())[0]["raw"].starts_with("@F-2,"));

    let json = classify(dir.path(), &input, &[]);
    assert_eq!(
        json.rows[0]["signature"],
        "=HYPERLINK(\"http://evil\",\"x\")"
    );
}

#[test]
fn a_failed_run_leaves_the_previous_output_untouched_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        format!(
            "{HEADER}\n{}\n{}\n",
            row("A-1", "2026-10-05 08:40", "199.133.4.20", "x"),
            row("A-2", "never", "199.133.4.20", "x")
        ),
    );
    let out = write(dir.path(), "out.csv", "the previous run's output\n");
    let r = run(&["classify", "--strict", "-o", arg(&out), arg(&input)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(":3:"),
        "the error names the line: {}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "the previous run's output\n"
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

#[test]
fn outputs_that_would_overwrite_an_input_or_each_other_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let history = write(
        dir.path(),
        "history.csv",
        "incident,at,event,agency,level\nI-1,2026-10-01 09:00,declared,FS,high\n",
    );
    let x = dir.path().join("x.csv");
    let same_x = dir.path().join(".").join("x.csv");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec![
                "audit",
                "-o",
                arg(&x),
                "--poam",
                arg(&same_x),
                arg(&history),
            ],
            "-o and --poam name the same file",
        ),
        (
            vec!["audit", "-o", arg(&history), arg(&history)],
            "is also an input",
        ),
        (
            vec!["audit", "--rejects", "-", arg(&history)],
            "both go to standard output",
        ),
        (
            vec!["classify", "--rejects", arg(&history), arg(&history)],
            "is also an input",
        ),
    ];
    for (args, message) in cases {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert!(!x.exists());
    }
    assert!(std::fs::read_to_string(&history).unwrap().contains("I-1"));
}

#[test]
fn deeply_nested_yaml_stops_at_the_budget_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let depth = 100_000;
    write(
        &rules,
        "ruleset.yaml",
        format!(
            "id: deep\ncriteria:\n  - when: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    let r = run(&["check", arg(&rules)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("yaml-budget"), "{all}");
    assert!(all.contains("ruleset.yaml:3:"), "{all}");
}

#[test]
fn a_rule_file_that_is_not_utf8_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    write(&rules, "ruleset.yaml", b"id: x\ntitle: \xff\xfe\n");
    let r = run(&["check", arg(&rules)]);
    assert_ne!(r.code, 0);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("ruleset.yaml"), "{all}");
}

/// A file of `len` bytes that takes no room on disk (a sparse file of
/// zeros): enough to test size limits, which are checked before reading.
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(len))
        .expect("a sparse file");
    path
}

#[test]
fn an_oversized_rule_file_is_refused_with_its_size_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    sparse(&rules, "ruleset.yaml", 2 << 30);
    // JSON, whose messages are not wrapped to the terminal's width.
    let r = run(&["check", "--format", "json", arg(&rules)]);
    // An unreadable ruleset is unusable input, like a missing one.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("ruleset.yaml is 2147483648 bytes; rule files are limited to 8388608 bytes"),
        "{}",
        r.stdout
    );
}

/// A CSV inventory may be larger than a YAML file (an inventory has a row
/// per system and product), up to its own limit; a YAML inventory or
/// advisory keeps the YAML limit.
#[test]
fn data_files_are_limited_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::read_to_string(common::repo().join("fixtures/plan/inventory.csv"))
        .expect("the fixture inventory");
    let (header, rows) = fixture.split_once('\n').expect("a header");
    let mut big = format!("{header}\n");
    let mut copies = 0;
    while big.len() <= 9 << 20 {
        for row in rows.lines() {
            let (system, rest) = row.split_once(',').expect("a system column");
            big.push_str(&format!("{system}-{copies},{rest}\n"));
        }
        copies += 1;
    }
    let inventory = write(dir.path(), "inventory.csv", &big);
    let advisory = common::repo().join("fixtures/plan/advisory.yaml");
    let affected = |inventory: &Path, advisory: &Path| {
        run(&[
            "affected",
            "--advisory",
            arg(advisory),
            "--inventory",
            arg(inventory),
        ])
    };
    let r = affected(&inventory, &advisory);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let systems = format!("{} systems:", copies * 6);
    assert!(r.stderr.contains(&systems), "{systems} in {}", r.stderr);

    // The diagnostic wraps long lines, at a space or inside a long path
    // (a longer temporary path moves the break): compare without spaces.
    let unwrapped = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    let huge = sparse(dir.path(), "huge.csv", 129 << 20);
    let yaml = sparse(dir.path(), "advisory.yaml", 9 << 20);
    for (inventory, advisory, message) in [
        (
            &huge,
            &advisory,
            "huge.csv is 135266304 bytes; CSV data files are limited to 134217728 bytes",
        ),
        (
            &inventory,
            &yaml,
            "advisory.yaml is 9437184 bytes; YAML data files are limited to 8388608 bytes",
        ),
    ] {
        let r = affected(inventory, advisory);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            unwrapped(&r.stderr).contains(&unwrapped(message)),
            "{message} in {}",
            r.stderr
        );
    }
}

/// Audits `history` as of 1 December 2026, with its rejects in a file in
/// `dir`: the run, and the rejects' rows.
fn audit_with_rejects(dir: &Path, history: &Path) -> (Run, Vec<BTreeMap<String, String>>) {
    let rejects = dir.join("rejects.csv");
    let r = run(&[
        "audit",
        "--as-of",
        "2026-12-01T00:00:00Z",
        "--rejects",
        arg(&rejects),
        arg(history),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = parse_csv(&std::fs::read_to_string(&rejects).unwrap());
    (r, rows)
}

#[test]
fn a_history_row_after_blank_lines_is_rejected_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let text = [
            "incident,at,event,agency,level",
            "I-1,2026-10-01 09:00,declared,FS,high",
            "",
            "",
            "I-2,2026-10-01 09:00,declared,FS",
        ]
        .join(end)
            + end;
        let history = write(dir.path(), name, text);
        let (_, rows) = audit_with_rejects(dir.path(), &history);
        let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
        // Lines 3 and 4 are blank.
        assert_eq!(lines, ["5"], "{name}: {rows:?}");
    }
}

#[test]
fn hostile_histories_are_read_or_rejected_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xef\xbb\xbfincident,at,event,agency,level\r\n".to_vec();
    bytes.extend(b"I-1,2026-10-01 09:00,declared,FS,high\r\n");
    bytes.extend(b"I-1,2026-10-01 09:30,resp\xffonded,,\r\n");
    bytes.extend(b"I-2,2026-03-08 02:30,declared,FS,high\r\n");
    bytes.extend(b"I-3,2026-10-01 09:00,declared,FS\r\n");
    let history = write(dir.path(), "history.csv", bytes);
    let (r, rows) = audit_with_rejects(dir.path(), &history);
    let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["3", "4", "5"], "{rows:?}");
    assert!(rows[1]["reason"].contains("does not exist"), "{rows:?}");
    assert!(
        r.stdout.contains("I-1,FS,high"),
        "the BOM did not hide `incident`"
    );
    assert_eq!(rows[0]["reason"], "column `event` is not valid UTF-8");
    assert_eq!(
        rows[2]["reason"],
        "expected 5 columns (as the header has), found 4"
    );

    let cut = write(
        dir.path(),
        "cut.jsonl",
        "{\"incident\": \"J-1\", \"attributes\": {\"agency\": \"FS\", \"level\": \"high\"}, \"events\": [{\"event\": \"declared\", \"at\": \"2026-10-01 09:00\"}]}\n{\"incident\": \"J-2\", \"even",
    );
    let r = run(&["audit", "--as-of", "2026-12-01T00:00:00Z", arg(&cut)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("rejected {}:2: invalid JSON", cut.display())),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("J-1,FS,high"));
}

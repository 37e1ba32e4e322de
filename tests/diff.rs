//! `docket diff`: what a rule change reclassifies. Each test copies
//! `rules/usda`, changes one rule, and compares the diff with what
//! `docket classify` and `docket audit` say of the two rulesets separately.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::repo;

const CORPUS: &str = "fixtures/classify/every-category.csv";
const HISTORY: &str = "fixtures/audit/usda-history.csv";
const AS_OF: &str = "2026-12-31T00:00:00-05:00";

/// `docket ARGS...`: exit code, stdout, stderr.
fn docket(args: &[&str]) -> (i32, String, String) {
    let run = common::run(args);
    (run.code, run.stdout, run.stderr)
}

/// A copy of `rules/usda` in `dir`.
fn copy_usda(dir: &Path) -> PathBuf {
    common::copy_ruleset(dir, "rules/usda")
}

/// Replaces the first `from` after `after` in `file` of a ruleset copy.
fn edit(ruleset: &Path, file: &str, after: &str, from: &str, to: &str) {
    common::edit_ruleset(ruleset, file, after, from, to);
}

/// A copy of `rules/usda` in `dir` with `from` replaced by `to` in `file`.
fn changed_usda(dir: &Path, file: &str, from: &str, to: &str) -> PathBuf {
    let copy = copy_usda(dir);
    edit(&copy, file, "", from, to);
    copy
}

/// `id -> (level, declared, rule)` as `docket classify` gives them.
fn classify(ruleset: &str) -> BTreeMap<String, (String, String, String)> {
    let (code, stdout, stderr) = docket(&["classify", "--rules", ruleset, CORPUS]);
    assert_eq!(code, 0, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    reader
        .deserialize::<BTreeMap<String, String>>()
        .map(|r| {
            let mut r = r.unwrap();
            let mut take = |column: &str| r.remove(column).expect("a classify column");
            (take("id"), (take("level"), take("declared"), take("rule")))
        })
        .collect()
}

/// The change rows of `docket diff --format csv`, by id.
fn diff_rows(base: &str, head: &str, extra: &[&str]) -> (i32, Vec<BTreeMap<String, String>>) {
    let args = [
        &["diff", "--base", base, "--head", head, "--format", "csv"],
        extra,
        &[CORPUS],
    ]
    .concat();
    let (code, stdout, stderr) = docket(&args);
    assert!(code == 0 || code == 1, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows = reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect();
    (code, rows)
}

#[test]
fn the_same_ruleset_on_both_sides_changes_nothing() {
    let (code, stdout, stderr) = docket(&[
        "diff",
        "--base",
        "rules/usda",
        "--head",
        "rules/usda",
        CORPUS,
        "--deny",
        "change",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("0 changed"), "{stdout}");
    assert!(!stdout.contains("Changed records"));
    // The matrix is the diagonal of classify's own counts.
    let levels = classify("rules/usda");
    let highs = levels.values().filter(|(l, _, _)| l == "high").count();
    let row = stdout.lines().find(|l| l.starts_with("high ")).unwrap();
    assert_eq!(
        row.split_whitespace().nth(1),
        Some(highs.to_string().as_str())
    );
}

#[test]
fn lowering_a_high_criterion_to_medium_is_a_downgrade_of_exactly_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let head = changed_usda(
        dir.path(),
        "criteria-high.yaml",
        "  - id: high.property-destruction\n    level: high",
        "  - id: high.property-destruction\n    level: medium",
    );
    let head = head.to_str().unwrap();
    let base = classify("rules/usda");
    let after = classify(head);
    let expected: Vec<&String> = base
        .iter()
        .filter(|(id, outcome)| after[*id] != **outcome)
        .map(|(id, _)| id)
        .collect();
    assert!(
        !expected.is_empty(),
        "the corpus holds property destruction above $100,000"
    );
    assert!(
        base.iter()
            .filter(|(id, _)| expected.contains(id))
            .all(|(_, (_, _, rule))| rule == "high.property-destruction")
    );

    let (code, rows) = diff_rows("rules/usda", head, &["--deny", "downgrade"]);
    assert_eq!(code, 1, "--deny downgrade trips");
    let ids: Vec<&String> = rows.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, expected);
    for row in &rows {
        assert_eq!(row["kind"], "record");
        assert_eq!(row["direction"], "downgrade");
        assert_eq!(
            (row["base_level"].as_str(), row["head_level"].as_str()),
            ("high", "medium")
        );
        assert_eq!(row["base_rule"], "high.property-destruction");
        let (level, declared, rule) = &after[&row["id"]];
        assert_eq!(
            (&row["head_level"], &row["head_declared"], &row["head_rule"]),
            (level, declared, rule)
        );
    }
}

#[test]
fn the_text_report_lists_the_reclassified_records_and_the_declarations_lost() {
    let dir = tempfile::tempdir().unwrap();
    let head = changed_usda(
        dir.path(),
        "criteria-high.yaml",
        "  - id: high.property-destruction\n    level: high",
        "  - id: high.property-destruction\n    level: medium",
    );
    let (code, stdout, stderr) = docket(&[
        "diff",
        "--base",
        "rules/usda",
        "--head",
        head.to_str().unwrap(),
        "fixtures/classify/complaints.csv",
        "--deny",
        "downgrade",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("5 records read, 5 compared"), "{stdout}");
    assert!(stdout.contains("1 changed: 1 downgraded, 0 upgraded"));
    assert!(stdout.contains("No longer declared: 1."));
    let row = stdout
        .lines()
        .find(|l| l.starts_with("C-1 "))
        .expect("C-1 is listed");
    assert!(row.contains("fixtures/classify/complaints.csv:2"));
    assert!(row.contains("downgrade"));
    assert!(row.contains("high → medium"));
    assert!(row.contains("yes → no"));
    assert!(stderr.contains("no longer declared 1"));
}

#[test]
fn the_markdown_report_is_a_table_fit_for_a_pull_request() {
    let dir = tempfile::tempdir().unwrap();
    let head = changed_usda(
        dir.path(),
        "criteria-high.yaml",
        "  - id: high.property-destruction\n    level: high",
        "  - id: high.property-destruction\n    level: medium",
    );
    let (_, stdout, _) = docket(&[
        "diff",
        "--base",
        "rules/usda",
        "--head",
        head.to_str().unwrap(),
        "fixtures/classify/complaints.csv",
        "--format",
        "md",
    ]);
    let stdout = stdout.replace(head.to_str().unwrap(), "HEAD");
    insta::assert_snapshot!(stdout);
}

#[test]
fn raising_a_level_is_an_upgrade_that_the_downgrade_gate_lets_through() {
    let dir = tempfile::tempdir().unwrap();
    let head = changed_usda(
        dir.path(),
        "criteria-low.yaml",
        "  - id: low.scan-probe\n    level: low",
        "  - id: low.scan-probe\n    level: medium",
    );
    let (code, rows) = diff_rows(
        "rules/usda",
        head.to_str().unwrap(),
        &["--deny", "downgrade"],
    );
    assert_eq!(code, 0);
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["direction"] == "upgrade" && r["head_level"] == "medium")
    );
    let (code, _) = diff_rows("rules/usda", head.to_str().unwrap(), &["--deny", "change"]);
    assert_eq!(code, 1);
}

#[test]
fn a_widened_deadline_window_shows_the_incidents_it_lets_off() {
    let dir = tempfile::tempdir().unwrap();
    let head = copy_usda(dir.path());
    edit(
        &head,
        "timeline.yaml",
        "id: disconnect-12h",
        "within: 12 hours",
        "within: 24 hours",
    );

    let before = audit_statuses("rules/usda", "disconnect-12h");
    let after = audit_statuses(head.to_str().unwrap(), "disconnect-12h");
    let let_off: Vec<&String> = before
        .iter()
        .filter(|(id, s)| *s == "breached" && after[*id] != "breached")
        .map(|(id, _)| id)
        .collect();
    assert!(
        !let_off.is_empty(),
        "the history holds a disconnection later than 12 hours"
    );

    let (code, stdout, stderr) = docket(&[
        "diff",
        "--base",
        "rules/usda",
        "--head",
        head.to_str().unwrap(),
        "--history",
        HISTORY,
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        "--deny",
        "downgrade",
    ]);
    assert_eq!(code, 1, "letting a breach off is a downgrade: {stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let relaxed: Vec<&str> = rows
        .iter()
        .filter(|r| &r[col("kind")] == "finding" && &r[col("direction")] == "downgrade")
        .map(|r| {
            assert_eq!(&r[col("deadline")], "disconnect-12h");
            assert_eq!(&r[col("base_status")], "breached");
            &r[col("id")]
        })
        .collect();
    assert_eq!(
        relaxed,
        let_off.iter().map(|s| s.as_str()).collect::<Vec<_>>()
    );
}

/// `incident -> status` of one deadline in `docket audit`.
fn audit_statuses(ruleset: &str, deadline: &str) -> BTreeMap<String, String> {
    let (code, stdout, stderr) = docket(&["audit", "--rules", ruleset, "--as-of", AS_OF, HISTORY]);
    assert_eq!(code, 0, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[col("rule")] == deadline)
        .map(|r| (r[col("incident")].to_owned(), r[col("status")].to_owned()))
        .collect()
}

#[test]
fn histories_need_an_audit_time_and_something_must_be_compared() {
    let (code, _, stderr) = docket(&[
        "diff",
        "--base",
        "rules/usda",
        "--head",
        "rules/usda",
        "--history",
        HISTORY,
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--history needs --as-of"), "{stderr}");
    let (code, _, stderr) = docket(&["diff", "--base", "rules/usda", "--head", "rules/usda"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("give a CORPUS"), "{stderr}");
    let (code, _, _) = docket(&["diff", "--base", "rules/usda", "--head", "no/such", CORPUS]);
    assert_eq!(code, 2);
}

#[test]
fn a_record_the_head_ruleset_cannot_read_is_a_downgrade_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let head = changed_usda(
        dir.path(),
        "fields.yaml",
        "      scan-probe:",
        "      scan-or-probe:",
    );
    let head = head.to_str().unwrap();
    // The renamed code also breaks the criteria, mappings and rule tests that
    // name it: fix them up.
    for file in [
        "criteria-low.yaml",
        "mappings.yaml",
        "triggers.yaml",
        "timeline.yaml",
        "tests.yaml",
    ] {
        let path = Path::new(head).join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("scan-probe", "scan-or-probe");
        std::fs::write(path, text).unwrap();
    }
    let (code, rows) = diff_rows("rules/usda", head, &[]);
    assert_eq!(code, 0);
    let mut corpus = csv::Reader::from_path(repo().join(CORPUS)).unwrap();
    let category = corpus
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "category")
        .unwrap();
    let scans = corpus
        .records()
        .filter(|r| &r.as_ref().unwrap()[category] == "scan-probe")
        .count();
    assert!(scans > 0);
    let rejected: Vec<_> = rows
        .iter()
        .filter(|r| r["head_level"] == "rejected")
        .collect();
    assert_eq!(
        rejected.len(),
        scans,
        "every scan-probe record is unreadable to head"
    );
    for row in rejected {
        assert_eq!(row["direction"], "downgrade");
        assert!(
            row["reason"].contains("`scan-probe` is not a known code"),
            "{}",
            row["reason"]
        );
    }
}

/// Data rows per chunk that `diff` reads (as `classify`).
const CHUNK_ROWS: usize = docket::parallel::CHUNK_ROWS;

/// A corpus of many chunks in `dir`: the rows of the every-category
/// fixture over and over with unique ids, a scan-probe record (which the
/// head of [`two_changes`] reclassifies) on each side of every chunk
/// boundary, and now and then a row of the wrong width and one that
/// neither ruleset can read; then the Suricata fixture over and over
/// (alerts and skipped events). Returns the two inputs' paths and how
/// many rows neither ruleset can read.
fn long_corpus(dir: &Path) -> (String, String, usize) {
    let fixture = std::fs::read_to_string(repo().join(CORPUS)).unwrap();
    let mut lines = fixture.lines();
    let header = lines.next().unwrap();
    let width = header.split(',').count();
    let body: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    let scan = format!("2026-11-04 14:00,,ids,,scan-probe{}", ",".repeat(width - 6));
    let mut text = format!("{header}\n");
    let (mut row, mut unreadable) = (0, 0);
    while row < 20 * CHUNK_ROWS + 37 {
        let at = row % CHUNK_ROWS;
        let rest = if at == 0 || at == CHUNK_ROWS - 1 {
            scan.as_str()
        } else {
            body[row % body.len()].split_once(',').unwrap().1
        };
        text.push_str(&format!("L{row},{rest}\n"));
        row += 1;
        if row % 389 == 0 {
            text.push_str("short,2026-11-02 09:00\n");
            text.push_str(&format!(
                "bad-time,2026-13-45 99:00{}\n",
                ",".repeat(width - 2)
            ));
            row += 2;
            unreadable += 2;
        }
    }
    let csv = dir.join("long.csv");
    std::fs::write(&csv, text).unwrap();
    let eve = std::fs::read_to_string(repo().join("fixtures/classify/suricata-eve.json")).unwrap();
    let json = dir.join("long-eve.json");
    std::fs::write(&json, eve.repeat(150)).unwrap();
    (
        csv.to_str().unwrap().to_owned(),
        json.to_str().unwrap().to_owned(),
        unreadable,
    )
}

/// A copy of `rules/usda` in `dir` where scan probes are medium (upgrades)
/// and property destruction above the threshold is medium (downgrades).
fn two_changes(dir: &Path) -> String {
    let head = changed_usda(
        dir,
        "criteria-low.yaml",
        "  - id: low.scan-probe\n    level: low",
        "  - id: low.scan-probe\n    level: medium",
    );
    edit(
        &head,
        "criteria-high.yaml",
        "",
        "  - id: high.property-destruction\n    level: high",
        "  - id: high.property-destruction\n    level: medium",
    );
    head.to_str().unwrap().to_owned()
}

/// `docket diff ARGS --threads N` for 1, 2 and 4 threads: checks that
/// every run gave the same exit code, stdout and stderr, and returns them.
fn diff_for_any_thread_count(args: &[&str]) -> (i32, String, String) {
    let mut first: Option<(i32, String, String)> = None;
    for threads in ["1", "2", "4"] {
        let run = docket(&[&["diff", "--threads", threads], args].concat());
        match &first {
            None => first = Some(run),
            Some(one) => {
                assert_eq!(run.0, one.0, "{args:?}: exit code, {threads} threads");
                assert!(
                    run.1 == one.1,
                    "{args:?}: stdout differs, {threads} threads"
                );
                assert_eq!(run.2, one.2, "{args:?}: stderr, {threads} threads");
            }
        }
    }
    first.unwrap()
}

/// The outcome columns of `classify --threads 1`'s rows of `input`, in
/// input order: `(id, level, declared, rule, trigger, due_by)`.
fn classified_rows(ruleset: &str, input: &str) -> Vec<[String; 6]> {
    let (code, stdout, stderr) = docket(&["classify", "--threads", "1", "--rules", ruleset, input]);
    assert_eq!(code, 0, "{stderr}");
    common::parse_csv(&stdout)
        .into_iter()
        .map(|mut r| {
            ["id", "level", "declared", "rule", "trigger", "due_by"]
                .map(|c| r.remove(c).expect("a classify column"))
        })
        .collect()
}

#[test]
fn a_long_corpus_diffs_the_same_with_any_number_of_threads_as_two_classifications_say() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, eve, unreadable) = long_corpus(dir.path());
    let head = two_changes(dir.path());

    // What a change is, record by record and in input order: the rows of
    // two serial classifications that differ.
    let (before, after) = (
        classified_rows("rules/usda", &csv),
        classified_rows(&head, &csv),
    );
    assert_eq!(before.len(), after.len());
    let expected: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b[1..] != a[1..])
        .map(|(b, _)| b[0].as_str())
        .collect();
    let max_listed = 7;
    assert!(expected.len() > 4 * max_listed, "{}", expected.len());
    let boundary = format!("L{}", 2 * CHUNK_ROWS);
    assert!(expected.contains(&boundary.as_str()));

    let base = ["--base", "rules/usda", "--head", head.as_str()];
    let corpus = [csv.as_str(), eve.as_str()];
    let (code, stdout, stderr) =
        diff_for_any_thread_count(&[&base[..], &["--format", "csv"], &corpus].concat());
    assert_eq!(code, 0, "{stderr}");
    let rows = common::parse_csv(&stdout);
    let ids: Vec<&str> = rows
        .iter()
        .filter(|r| r["origin"].starts_with(csv.as_str()))
        .map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        ids, expected,
        "the changes of the CSV input, in input order"
    );
    let read = before.len() + unreadable + 150 * 12;
    assert!(
        stderr.starts_with(&format!("read {read}: ")),
        "every row of both inputs is read: {stderr}"
    );

    for format in ["text", "md"] {
        let listed = max_listed.to_string();
        let args = [
            &base[..],
            &["--format", format, "--max-listed", &listed],
            &corpus,
        ]
        .concat();
        let (code, stdout, _) = diff_for_any_thread_count(&args);
        assert_eq!(code, 0);
        let first: Vec<&str> = stdout
            .lines()
            .filter_map(|l| l.trim_start_matches("| ").split([' ', '|']).next())
            .filter(|id| id.starts_with('L') && id[1..].parse::<u64>().is_ok())
            .collect();
        assert_eq!(first, expected[..max_listed], "{format}: the first changes");
        let more = rows.len() - max_listed;
        assert!(
            stdout.contains(&format!("{more} more changed records are not listed")),
            "{format}: {stdout}"
        );
        let counts = format!("({} skipped, {unreadable} unreadable", 150 * 6);
        assert!(stdout.contains(&counts), "{format}: {stdout}");
    }

    let (code, _, _) = diff_for_any_thread_count(
        &[
            &base[..],
            &["--format", "jsonl", "--deny", "downgrade"],
            &corpus,
        ]
        .concat(),
    );
    assert_eq!(
        code, 1,
        "property destruction above the threshold is downgraded"
    );
}

#[test]
fn a_zone_with_the_same_offsets_moves_no_due_time_and_one_with_others_moves_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let due_times = classified_rows("rules/usda", CORPUS)
        .iter()
        .filter(|r| !r[5].is_empty())
        .count();
    assert!(due_times > 0);
    for (zone, changed) in [("America/Toronto", 0), ("America/Chicago", due_times)] {
        let head = changed_usda(
            &dir.path().join(zone.replace('/', "-")),
            "ruleset.yaml",
            "timezone: America/New_York",
            &format!("timezone: {zone}"),
        );
        let head = head.to_str().unwrap();
        let (code, stdout, _) = diff_for_any_thread_count(&[
            "--base",
            "rules/usda",
            "--head",
            head,
            "--format",
            "csv",
            CORPUS,
        ]);
        assert_eq!(code, 0);
        let rows = common::parse_csv(&stdout);
        assert_eq!(rows.len(), changed, "{zone}");
        for row in rows {
            assert_ne!(row["base_due"], row["head_due"], "{zone}");
        }
    }
}

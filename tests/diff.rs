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

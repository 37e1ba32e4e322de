//! `docket test`: running a ruleset's own cases, reporting failures at their
//! lines, and rule coverage. Most tests break a copy of the small ruleset
//! in `fixtures/rule-tests/` in one place and check that the right case
//! fails for the right reason.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{Run, docket, repo};

const MINI: &str = "fixtures/rule-tests/ruleset.yaml";

fn test(args: &[&str]) -> Run {
    Run::of(docket().arg("test").args(args))
}

/// A copy of the mini ruleset with `from` replaced by `to` (which must occur).
fn edited(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo().join(MINI)).unwrap();
    assert!(text.contains(from), "the fixture holds `{from}`");
    let path = dir.join("ruleset.yaml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn json(args: &[&str]) -> Value {
    let run = test(&[args, &["--format", "json"]].concat());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {}", run.stdout))
}

fn failed_names(report: &Value) -> Vec<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "pass")
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_ruleset_whose_cases_all_pass_and_cover_everything_exits_0() {
    let run = test(&[MINI, "--min-coverage", "100"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("fixtures/rule-tests/ruleset.yaml: 6 passed, 0 failed")
    );
    assert!(
        run.stderr
            .contains("coverage: 100.0% (9 of 9 requirements)")
    );
    assert!(run.stderr.contains("threshold bounds: 3 of 3"));
}

#[test]
fn moving_a_threshold_fails_the_cases_at_the_boundary_naming_each() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(dir.path(), "value: 1000,", "value: 1500,");
    let report = json(&[ruleset.to_str().unwrap()]);
    assert_eq!(
        failed_names(&report),
        [
            "a theft at the threshold is high",
            "a theft just above the threshold is high"
        ]
    );
    let case = &report["cases"][0];
    assert_eq!(case["line"], 36);
    let mismatch = &case["mismatches"][0];
    assert_eq!(mismatch["what"], "level");
    assert_eq!(mismatch["expected"], "high");
    assert_eq!(mismatch["actual"], "low");
    assert_eq!(
        (mismatch["line"].as_u64(), mismatch["column"].as_u64()),
        (Some(38), Some(25))
    );
    assert_eq!(test(&[ruleset.to_str().unwrap()]).code, 1);
}

#[test]
fn turning_gte_into_gt_is_caught_by_the_case_at_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(dir.path(), "{gte: big_loss}", "{gt: big_loss}");
    let report = json(&[ruleset.to_str().unwrap()]);
    assert_eq!(failed_names(&report), ["a theft at the threshold is high"]);
    let mismatch = &report["cases"][0]["mismatches"][0];
    assert_eq!(mismatch["expected"], "high");
    assert_eq!(mismatch["actual"], "unclassified");
}

#[test]
fn widening_a_deadline_window_fails_the_late_case() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(dir.path(), "within: 12 hours", "within: 13 hours");
    let run = test(&[ruleset.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains(
        "test `an answer after 12 hours and a minute is late` failed: findings.answer-12h differs"
    ), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("findings.answer-12h: expected `breached`, got `met`")
    );
}

#[test]
fn a_working_day_window_is_checked_through_due_by() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(dir.path(), "within: 3 working days", "within: 3 days");
    let report = json(&[ruleset.to_str().unwrap()]);
    assert_eq!(
        failed_names(&report),
        ["a theft just below the threshold is low"]
    );
    let mismatch = &report["cases"][2]["mismatches"][0];
    assert_eq!(mismatch["what"], "due_by");
    assert_eq!(mismatch["actual"], "2026-11-28T10:00:00-05:00");
}

#[test]
fn a_case_under_a_rule_expects_that_rule_to_decide() {
    // The case under low.small-theft now lands on low.scan's category: the
    // level still matches, but the rule written above it no longer decides.
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(
        dir.path(),
        "record: {category: theft, loss_usd: 999.99,",
        "record: {category: scan, loss_usd: 999.99,",
    );
    let report = json(&[ruleset.to_str().unwrap()]);
    assert_eq!(
        failed_names(&report),
        ["a theft just below the threshold is low"]
    );
    let mismatch = &report["cases"][2]["mismatches"][0];
    assert_eq!(mismatch["what"], "rule");
    assert_eq!(mismatch["expected"], "low.small-theft");
    assert_eq!(mismatch["actual"], "low.scan");
}

#[test]
fn a_case_under_a_deadline_fails_when_the_deadline_does_not_apply() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(
        dir.path(),
        "    within: 12 hours\n",
        "    within: 12 hours\n    applies: {category: scan}\n",
    );
    let text = std::fs::read_to_string(&ruleset)
        .unwrap()
        .replace("expect: {findings: {answer-12h: breached}}", "expect: {}");
    std::fs::write(&ruleset, text).unwrap();
    let report = json(&[ruleset.to_str().unwrap()]);
    let case = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "fail")
        .expect("a failing case");
    assert_eq!(
        case["name"],
        "an answer after 12 hours and a minute is late"
    );
    assert_eq!(
        case["mismatches"][0]["expected"],
        "met, breached, overdue or pending"
    );
    assert_eq!(case["mismatches"][0]["actual"], "not-applicable");
}

#[test]
fn coverage_lists_what_no_passing_case_exercises_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    // Without its declared expectation, the case at the threshold no longer
    // covers declare.high; without the scan case, low.scan is uncovered.
    let ruleset = edited(
        dir.path(),
        "expect: {level: high, declared: yes, due_by:",
        "expect: {level: high, due_by:",
    );
    let text = std::fs::read_to_string(&ruleset).unwrap();
    let cut = text.find("\ntests:\n").unwrap();
    std::fs::write(&ruleset, &text[..cut + 1]).unwrap();

    let run = test(&[ruleset.to_str().unwrap(), "--coverage"]);
    assert_eq!(run.code, 0, "coverage alone does not fail");
    assert!(
        run.stderr.contains("coverage: 77.8% (7 of 9 requirements)"),
        "{}",
        run.stderr
    );
    let path = ruleset.display();
    assert!(
        run.stderr
            .contains(&format!("uncovered: criterion low.scan ({path}:50:9)"))
    );
    assert!(
        run.stderr
            .contains(&format!("uncovered: trigger declare.high ({path}:56:9)"))
    );
    assert!(
        run.stderr
            .contains("⚠ not covered by a passing test: criterion low.scan"),
        "shown as warnings at the rule's line too"
    );

    assert_eq!(
        test(&[ruleset.to_str().unwrap(), "--min-coverage", "100"]).code,
        1
    );
    assert_eq!(
        test(&[ruleset.to_str().unwrap(), "--min-coverage", "75"]).code,
        0
    );
}

#[test]
fn a_bound_needs_cases_just_below_at_and_just_above() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(dir.path(), "loss_usd: 1000.01}", "loss_usd: 1500}");
    let report = json(&[ruleset.to_str().unwrap(), "--coverage"]);
    let uncovered: Vec<&str> = report["coverage"]["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["requirement"].as_str().unwrap())
        .collect();
    assert_eq!(
        uncovered,
        ["threshold big_loss (1000) on loss_usd: a case just above"],
        "1500 is more than 1% above the bound"
    );
    let help = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "uncovered")
        .unwrap()["help"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(help, "add a passing record case with `loss_usd: 1000.01`");
}

#[test]
fn run_selects_cases_by_name_and_skips_coverage() {
    let run = test(&[MINI, "--run", "THRESHOLD", "--coverage"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("3 passed, 0 failed, 3 filtered out"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("coverage is not measured when --run selects some cases")
    );
    assert!(!run.stderr.contains("coverage: "));
}

#[test]
fn a_ruleset_with_errors_fails_without_running_a_case() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = edited(
        dir.path(),
        "expect: {level: low, declared: no, rule: low.scan}",
        "expect: {level: lowest}",
    );
    let run = test(&[ruleset.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("docket::dangling-reference"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("× no level named `lowest`"));
    assert!(run.stderr.contains("help: did you mean `low`?"));
    assert!(run.stderr.contains("the ruleset has errors; no test ran"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(test(&["no/such/ruleset"]).code, 2);
    assert_eq!(test(&[MINI, "--min-coverage", "101"]).code, 2);
    assert_eq!(test(&[MINI, "--format", "xml"]).code, 2);
}

#[test]
fn the_json_report_carries_every_case_with_its_place() {
    let report = json(&[MINI, "--coverage"]);
    assert_eq!(report["passed"], 6);
    assert_eq!(report["failed"], 0);
    let cases = report["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        assert_eq!(case["file"], MINI);
        assert!(case["line"].as_u64().unwrap() > 0);
        assert_eq!(case["status"], "pass");
    }
    assert_eq!(report["coverage"]["percent"], 100.0);
    assert_eq!(report["coverage"]["total"], 9);
}

#[test]
fn an_unknown_flag_kind_in_an_expectation_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(
        dir.path(),
        "expect: {level: high}",
        "expect: {level: high, flags: [mising]}",
    );
    let run = test(&[path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("`mising` is not a kind of flag"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `missing`?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no test ran"), "{}", run.stderr);
}

// ------------------------------------------------- the shipped rulesets

/// A copy of a shipped ruleset directory in `dir`, with `from` replaced by
/// `to` in `file` (the first occurrence after `after`).
fn shipped_copy(
    dir: &Path,
    ruleset: &str,
    file: &str,
    after: &str,
    from: &str,
    to: &str,
) -> PathBuf {
    let copy = common::copy_ruleset(dir, ruleset);
    common::edit_ruleset(&copy, file, after, from, to);
    copy
}

#[test]
fn the_shipped_rulesets_pass_their_cases_with_full_coverage() {
    for ruleset in ["rules/usda", "rules/doc"] {
        let run = test(&[ruleset, "--min-coverage", "100"]);
        assert_eq!(run.code, 0, "{ruleset}:\n{}", run.stderr);
        assert!(run.stderr.contains(" 0 failed"), "{}", run.stderr);
        assert!(run.stderr.contains("coverage: 100.0%"), "{}", run.stderr);
    }
}

#[test]
fn changing_the_100000_threshold_of_the_shipped_rules_fails_their_tests() {
    let dir = tempfile::tempdir().unwrap();
    let copy = shipped_copy(
        dir.path(),
        "rules/usda",
        "levels.yaml",
        "major_loss_usd:",
        "value: 100_000",
        "value: 120_000",
    );
    let report = json(&[copy.to_str().unwrap()]);
    let failed = failed_names(&report);
    assert!(!failed.is_empty());
    let mismatched: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .flat_map(|c| c["mismatches"].as_array().unwrap())
        .map(|m| m["what"].as_str().unwrap())
        .collect();
    assert!(mismatched.contains(&"level"), "{mismatched:?}");
    assert_eq!(test(&[copy.to_str().unwrap()]).code, 1);
}

#[test]
fn changing_a_deadline_window_of_the_shipped_rules_fails_their_tests() {
    let dir = tempfile::tempdir().unwrap();
    let copy = shipped_copy(
        dir.path(),
        "rules/usda",
        "timeline.yaml",
        "id: disconnect-12h",
        "within: 12 hours",
        "within: 13 hours",
    );
    let report = json(&[copy.to_str().unwrap()]);
    let failures: Vec<&Value> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert!(!failures.is_empty());
    assert!(failures.iter().all(|c| {
        c["mismatches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["what"] == "findings.disconnect-12h")
    }));
}

#[test]
fn lowering_a_shipped_high_criterion_to_medium_fails_naming_that_rules_cases() {
    let dir = tempfile::tempdir().unwrap();
    let copy = shipped_copy(
        dir.path(),
        "rules/usda",
        "criteria-high.yaml",
        "id: high.property-destruction",
        "level: high",
        "level: medium",
    );
    let run = test(&[copy.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let report = json(&[copy.to_str().unwrap()]);
    let file = copy.join("criteria-high.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let criterion_line = text
        .lines()
        .position(|l| l.contains("id: high.property-destruction"))
        .unwrap()
        + 1;
    let next_rule = criterion_line
        + text
            .lines()
            .skip(criterion_line)
            .position(|l| l.starts_with("  - id:"))
            .unwrap();
    let failed_here: Vec<u64> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail" && c["file"] == file.to_str().unwrap())
        .map(|c| c["line"].as_u64().unwrap())
        .filter(|line| (criterion_line as u64..=next_rule as u64).contains(line))
        .collect();
    assert!(
        !failed_here.is_empty(),
        "a case written under high.property-destruction fails"
    );
    assert!(
        run.stderr.contains("level: expected `high`, got `medium`"),
        "{}",
        run.stderr
    );
}

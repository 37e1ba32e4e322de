//! `docket plan` (who notifies whom, by which methods, by when, per unit)
//! and `docket audit --plan` (the history against the plan), on the
//! fixtures of `fixtures/plan/`, and the README's planning examples.

mod common;
use common::planning::*;
use common::{Row, Run, parse_csv, repo, run};

// ---- docket plan ----

#[test]
fn the_plan_in_markdown() {
    let out = plan("md", ROSTER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("plan_md", out.stdout);
}

#[test]
fn every_affected_unit_gets_the_e2h_alert_and_the_e4h_roster_notices_with_methods() {
    let out = plan("csv", ROSTER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    for (unit, contact, methods) in [
        (
            "NIST",
            "Dana Reyes (nist-contact)",
            "pager 301-555-0140; email dreyes@nist.example",
        ),
        (
            "NOAA",
            "Robin Hale (noaa-contact)",
            "pager 301-555-0240; phone 301-555-0241; fax 301-555-0242",
        ),
    ] {
        let alert: Vec<&Row> = rows
            .iter()
            .filter(|r| r["unit"] == unit && r["event"] == "alert_issued")
            .collect();
        assert_eq!(alert.len(), 1, "{unit}");
        assert_eq!(alert[0]["due"], "E+2h");
        assert_eq!(alert[0]["due_at"], "2026-11-02T10:00:00-05:00");
        assert_eq!(alert[0]["by"], "DOC CIRT duty officer (doc-cirt)");
        assert_eq!(alert[0]["to"], contact);
        assert_eq!(alert[0]["methods"], methods);
        assert_eq!(alert[0]["citation"], "DOC E+2h");
        let roster: Vec<&Row> = rows
            .iter()
            .filter(|r| r["unit"] == unit && r["event"] == "roster_notified")
            .collect();
        assert!(
            roster
                .iter()
                .all(|r| r["due"] == "E+4h" && r["by"] == contact)
        );
        let roles: Vec<&str> = roster.iter().map(|r| r["to_role"].as_str()).collect();
        assert_eq!(roles, ["unit-cirt", "system-owner", "system-administrator"]);
    }
    assert!(
        rows.iter().all(|r| r["unit"] != "NTIA"),
        "NTIA has no exposed system"
    );
    let noaa_cirt = rows
        .iter()
        .find(|r| r["unit"] == "NOAA" && r["to_role"] == "unit-cirt")
        .unwrap();
    assert_eq!(noaa_cirt["to"], "", "a role nobody holds is a gap, shown");
    assert!(noaa_cirt["note"].contains("nobody on the roster holds role `unit-cirt` for NOAA"));
    let noaa_owner = rows
        .iter()
        .find(|r| r["unit"] == "NOAA" && r["to_role"] == "system-owner")
        .unwrap();
    assert_eq!(
        noaa_owner["systems"], "NOAA-DB-01; NOAA-DB-02",
        "the unknown system too"
    );
}

#[test]
fn every_step_cites_the_policy_and_follows_the_rulesets_windows() {
    let out = plan("csv", ROSTER);
    let rows = parse_csv(&out.stdout);
    let mut dues: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["deadline"].as_str(), r["due"].as_str()))
        .collect();
    dues.dedup();
    assert!(rows.iter().all(|r| r["citation"].starts_with("DOC E+")));
    let first: Vec<&str> = dues.iter().map(|(_, d)| *d).collect();
    assert_eq!(first.first(), Some(&"E+1h"));
    assert_eq!(first.last(), Some(&"E+24h"));
    assert_eq!(rows.last().unwrap()["due_at"], "2026-11-03T08:00:00-05:00");
}

#[test]
fn a_change_to_the_ruleset_changes_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("rules/doc/ruleset.yaml")).unwrap();
    let changed = text.replace(
        "    to: roster_notified\n    within: 4 hours",
        "    to: roster_notified\n    within: 3 hours",
    );
    assert_ne!(text, changed);
    let ruleset = dir.path().join("ruleset.yaml");
    std::fs::write(&ruleset, changed).unwrap();
    let out = plan_with(&[
        ruleset.to_str().unwrap(),
        "--data-call",
        DATA_CALL,
        "--roster",
        ROSTER,
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let notice = rows
        .iter()
        .find(|r| r["event"] == "roster_notified")
        .unwrap();
    assert_eq!(notice["due"], "E+3h");
    assert_eq!(notice["due_at"], "2026-11-02T11:00:00-05:00");
}

#[test]
fn the_shipped_plan_csv_is_what_docket_plan_writes() {
    let out = plan("csv", ROSTER);
    let shipped = std::fs::read_to_string(repo().join(PLAN)).unwrap();
    assert_eq!(
        out.stdout, shipped,
        "regenerate {PLAN} with `docket plan --format csv`"
    );
}

#[test]
fn a_plan_with_a_roster_problem_shows_the_gap_and_exits_1() {
    let out = plan("csv", "fixtures/plan/roster-missing-contact.yaml");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("missing-contact"), "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let alert = rows
        .iter()
        .find(|r| r["unit"] == "NOAA" && r["event"] == "alert_issued")
        .unwrap();
    assert_eq!(alert["to"], "");
    assert!(alert["note"].contains("nobody on the roster holds role `unit-contact` for NOAA"));
}

#[test]
fn the_plan_output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("plan.md");
    let out = plan_with(&[
        "--data-call",
        DATA_CALL,
        "--roster",
        ROSTER,
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("# Significant-event plan: CA-2003-04"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_bad_data_call_time_is_a_usage_error() {
    let out = plan_with(&["--data-call", "yesterday", "--roster", ROSTER]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--data-call"), "{}", out.stderr);
}

// ---- docket audit --plan ----

fn audit_plan(format: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "audit",
        "--rules",
        "rules/doc",
        "--plan",
        PLAN,
        "--as-of",
        "2026-11-02 13:00",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    args.push(HISTORY);
    run(&args)
}

#[test]
fn the_audit_against_the_plan_reports_the_missed_step() {
    let out = audit_plan("csv", &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let status = |deadline: &str, unit: &str| {
        rows.iter()
            .find(|r| r["deadline"] == deadline && r["unit"] == unit)
            .map(|r| r["status"].clone())
    };
    // NTIA: the CIPM named a unit the plan has no exposed system in.
    for (deadline, unit, expected) in [
        ("doc.e4h-roster-notified", "NOAA", "missed"),
        ("doc.e4h-roster-notified", "NIST", "met"),
        ("doc.e4h-patches-downloaded", "NOAA", "late"),
        ("doc.e12h-patch-installed", "NIST", "pending"),
        ("doc.e2h-affected-units", "NTIA", "unplanned"),
    ] {
        assert_eq!(
            status(deadline, unit).as_deref(),
            Some(expected),
            "{deadline} {unit}"
        );
    }
    let missed = rows.iter().filter(|r| r["status"] == "missed").count();
    assert_eq!(missed, 1);
    assert!(
        out.stderr
            .contains("steps met 8, late 1, missed 1, pending 8; unplanned units 1"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_audit_against_the_plan_in_markdown_lists_the_missed_step_first() {
    let out = audit_plan("md", &[]);
    assert_eq!(out.code, 0);
    insta::assert_snapshot!("audit_plan_md", out.stdout);
}

#[test]
fn fail_on_overdue_makes_a_missed_step_exit_1() {
    assert_eq!(audit_plan("csv", &["--fail-on", "overdue"]).code, 1);
    assert_eq!(audit_plan("csv", &["--fail-on", "breach"]).code, 1);
}

#[test]
fn a_plan_that_is_not_a_plan_is_an_error_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("plan.csv");
    std::fs::write(
        &bad,
        "step,due_at,unit,deadline,event,citation,start_event,start_at\n\
         1,tomorrow,NIST,doc.e2h-alert-issued,alert_issued,DOC E+2h,data_call,2026-11-02T08:00:00-05:00\n",
    )
    .unwrap();
    let out = run(&[
        "audit",
        "--rules",
        "rules/doc",
        "--plan",
        bad.to_str().unwrap(),
        "--as-of",
        "2026-11-02 13:00",
        HISTORY,
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`tomorrow` is not an RFC 3339 time"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("plan.csv:2:3"), "{}", out.stderr);
}

// ---- the README's examples ----

#[test]
fn the_readme_examples_are_what_docket_prints() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let out = affected(INVENTORY, "csv");
    let both = format!("{}{}", out.stdout, out.stderr);
    assert_readme_lines_in(
        &readme_block(
            &readme,
            "$ docket affected --advisory fixtures/plan/advisory.yaml",
        ),
        &both,
        "docket affected",
    );
    let out = check_roster("fixtures/plan/roster-missing-contact.yaml");
    assert_readme_lines_in(
        &readme_block(
            &readme,
            "$ docket check rules/doc --roster fixtures/plan/roster-missing-contact.yaml",
        ),
        &out.stderr,
        "docket check --roster",
    );
    let out = plan("md", ROSTER);
    let block = readme_block(&readme, "```markdown\n# Significant-event plan");
    assert_readme_lines_in(&block, &out.stdout, "docket plan");
    let out = audit_plan("md", &[]);
    let both = format!("{}{}", out.stdout, out.stderr);
    assert_readme_lines_in(
        &readme_block(
            &readme,
            "$ docket audit --rules rules/doc --plan fixtures/plan/plan.csv",
        ),
        &both,
        "docket audit --plan",
    );
}

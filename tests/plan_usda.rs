//! `docket plan --declared` for a USDA incident at one agency, and `docket
//! audit --plan` of a USDA history against it, on the fixtures of
//! `fixtures/plan/` and the shipped `rules/usda`.

mod common;
use common::planning::*;
use common::{Row, copy_ruleset, edit_ruleset, parse_csv, repo, run};

fn step<'a>(rows: &'a [Row], deadline: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r["deadline"] == deadline).collect()
}

#[test]
fn the_plan_of_a_declared_high_incident_at_fs_in_markdown() {
    let out = usda_plan("md", &["--roster", USDA_ROSTER]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("plan: 4 steps for FS; 4 notes and gaps; 4 deadlines not planned"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!("usda_plan_md", out.stdout);
}

#[test]
fn each_step_names_who_whom_how_when_and_the_section() {
    let out = usda_plan("csv", &["--roster", USDA_ROSTER]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let ocio = "OCIO Cyber Security, Incident Handling Program Manager (ocio-cs)";
    // USDA 3b(1): the ISSPM reports the severity to the ACIO CS, immediately.
    let report = step(&rows, "isspm-report-immediately");
    assert_eq!(report.len(), 1);
    assert_eq!(report[0]["due"], "detected+0m");
    assert_eq!(report[0]["due_at"], "2026-11-02T08:00:00-05:00");
    assert_eq!(report[0]["by"], "Morgan Diaz (fs-isspm)");
    assert_eq!(report[0]["to"], ocio);
    assert_eq!(
        report[0]["methods"],
        "phone 202-555-0400; email cs-incidents@usda.example"
    );
    assert_eq!(report[0]["citation"], "USDA 3b(1)");
    // USDA 3c(5): 12 hours from the declaration; the seed names no actor.
    let response = step(&rows, "response-12h");
    assert_eq!(response[0]["due"], "E+12h");
    assert_eq!(response[0]["due_at"], "2026-11-02T21:00:00-05:00");
    assert_eq!(response[0]["by"], "");
    assert!(response[0]["note"].contains("names no roster role for this step (actor: agency)"));
    // USDA 3b(1) and 2: closed within 15 days; OCIO CS tells US-CERT and OIG;
    // if late, ACIO CS notifies the FS CIO, who opens a POA&M.
    let closed = step(&rows, "open-15-days");
    let to: Vec<&str> = closed.iter().map(|r| r["to"].as_str()).collect();
    assert_eq!(
        to,
        [
            "US-CERT (us-cert)",
            "USDA Office of Inspector General (usda-oig)"
        ]
    );
    assert!(closed.iter().all(|r| r["due"] == "E+15d"
        && r["due_at"] == "2026-11-17T09:00:00-05:00"
        && r["by"] == ocio));
    assert!(closed[0]["note"].contains(
        "`cio_notified`: The one-time notification of an incident open more than 15 days was sent to the agency CIO — by OCIO"
    ));
    assert!(
        closed[0]["note"].contains("notifies Jordan Lee (fs-cio) [email jlee@fs.example] as `cio`")
    );
    // Every row is for the plan's E, the declaration.
    assert!(rows.iter().all(|r| r["start_event"] == "declared"
        && r["start_at"] == "2026-11-02T09:00:00-05:00"
        && r["unit"].is_empty()));
}

#[test]
fn the_shipped_usda_plan_csv_is_what_docket_plan_writes() {
    let out = usda_plan("csv", &["--roster", USDA_ROSTER]);
    let shipped = std::fs::read_to_string(repo().join(USDA_PLAN)).unwrap();
    assert_eq!(out.stdout, shipped, "regenerate {USDA_PLAN}");
}

#[test]
fn attributes_decide_the_applies_conditions_or_leave_the_step_conditional() {
    // Nothing given: the immediate report (level high) and the
    // disconnection (compromised or root compromise) are conditional, and
    // the medium and low deadlines have no clock without --reported.
    let out = run(&[
        "plan",
        "--declared",
        DECLARED,
        "--detected",
        DETECTED,
        "--agency",
        "FS",
        "--roster",
        USDA_ROSTER,
        "--format",
        "csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    assert!(
        step(&rows, "isspm-report-immediately")[0]["note"]
            .contains("conditional: applies only if level = high")
    );
    assert!(step(&rows, "disconnect-12h")[0]["note"].contains(
        "conditional: applies only if any of (compromised = true; category = root-compromise)"
    ));
    assert!(step(&rows, "low-investigated").is_empty());
    // A medium incident reported at 10:00: handled by 14:00; the high-only
    // report and (not compromised, not a root compromise) the
    // disconnection do not apply.
    let out = run(&[
        "plan",
        "--declared",
        DECLARED,
        "--reported",
        "2026-11-02 10:00",
        "--agency",
        "NRCS",
        "--level",
        "medium",
        "--attr",
        "compromised=false",
        "--attr",
        "category=misuse",
        "--roster",
        USDA_ROSTER,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("## reported+4h — due 2026-11-02T14:00:00-05:00")
    );
    assert!(
        out.stdout
            .contains("`isspm-report-immediately` does not apply: it needs level = high")
    );
    assert!(out.stdout.contains("`disconnect-12h` does not apply"));
    assert!(
        !out.stdout.contains("Morgan Diaz"),
        "NRCS's people, not FS's"
    );
}

#[test]
fn a_change_to_a_window_of_the_usda_rules_changes_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let rules = copy_ruleset(dir.path(), "rules/usda");
    edit_ruleset(
        &rules,
        "timeline.yaml",
        "- id: response-12h",
        "within: 12 hours",
        "within: 8 hours",
    );
    let out = usda_plan("csv", &["--roster", USDA_ROSTER, rules.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let response = step(&rows, "response-12h");
    assert_eq!(response[0]["due"], "E+8h");
    assert_eq!(response[0]["due_at"], "2026-11-02T17:00:00-05:00");
}

#[test]
fn a_broken_usda_roster_shows_the_gap_and_exits_1() {
    // NRCS has no Deputy ISSPM; FS's plan is whole, the roster check fails.
    let out = usda_plan("csv", &["--roster", USDA_ROSTER_BROKEN]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("unit `NRCS` has nobody in the required role `deputy-isspm`"),
        "{}",
        out.stderr
    );
    let rows = parse_csv(&out.stdout);
    let closed = step(&rows, "open-15-days");
    assert!(
        closed.iter().all(|r| r["to"].is_empty()),
        "no US-CERT or OIG on that roster"
    );
    assert!(closed[0]["note"].contains("nobody on the roster holds role `us-cert` for FS"));
}

// ---- usage errors ----

#[test]
fn declared_without_an_agency_is_a_usage_error() {
    let out = run(&["plan", "--declared", DECLARED, "--roster", USDA_ROSTER]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--declared needs --agency AGENCY"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn an_agency_absent_from_the_roster_is_a_usage_error() {
    let out = run(&[
        "plan",
        "--declared",
        DECLARED,
        "--agency",
        "APHIS",
        "--roster",
        USDA_ROSTER,
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--agency APHIS: the roster fixtures/plan/usda-roster-ok.yaml has no such agency (it lists FS, NRCS)"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_data_call_still_needs_its_advisory_and_inventory() {
    let out = run(&["plan", "--data-call", DATA_CALL, "--roster", ROSTER]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--data-call needs --advisory FILE and --inventory FILE"),
        "{}",
        out.stderr
    );
    let out = usda_plan("md", &["--roster", USDA_ROSTER, "--advisory", ADVISORY]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--advisory and --inventory are for a data call"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_attribute_or_value_is_a_usage_error() {
    let out = usda_plan("md", &["--roster", USDA_ROSTER, "--attr", "colour=red"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("has no field `colour`"),
        "{}",
        out.stderr
    );
    let out = run(&[
        "plan",
        "--declared",
        DECLARED,
        "--agency",
        "FS",
        "--level",
        "severe",
        "--roster",
        USDA_ROSTER,
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--level level:"), "{}", out.stderr);
}

// ---- docket audit --plan ----

#[test]
fn the_audit_of_the_usda_history_reports_the_missed_disconnection() {
    let out = usda_audit_plan("csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let status = |deadline: &str| {
        rows.iter()
            .find(|r| r["deadline"] == deadline)
            .map(|r| r["status"].as_str())
    };
    assert_eq!(status("disconnect-12h"), Some("missed"));
    assert_eq!(status("isspm-report-immediately"), Some("late"));
    assert_eq!(status("response-12h"), Some("met"));
    assert_eq!(status("open-15-days"), Some("pending"));
    assert!(
        out.stderr
            .contains("1 incidents; steps met 1, late 1, missed 1, pending 1; unplanned units 0"),
        "{}",
        out.stderr
    );
}

// ---- the README's examples ----

#[test]
fn the_readme_usda_examples_are_what_docket_prints() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let out = usda_plan("md", &["--roster", USDA_ROSTER]);
    let block = readme_block(&readme, "```markdown\n# Incident plan: FS");
    assert!(block.len() > 20, "the README shows the plan");
    assert_readme_lines_in(&block, &out.stdout, "docket plan --declared");
    let out = usda_audit_plan("md");
    let both = format!("{}{}", out.stdout, out.stderr);
    let block = readme_block(
        &readme,
        "$ docket audit --rules rules/usda --plan fixtures/plan/usda-plan.csv",
    );
    assert_readme_lines_in(&block, &both, "docket audit --plan (USDA)");
}

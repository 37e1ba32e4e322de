//! Significant-event planning: `docket affected` on the PADC inventory,
//! `docket check --roster`, `docket plan` and `docket audit --plan`, on the
//! fixtures of `fixtures/plan/` (an advisory that hits two of three units,
//! a system whose version is missing, rosters broken one way each, and a
//! history whose NOAA roster notice never happened).

use std::collections::BTreeMap;

mod common;
use common::{Run, repo, run};

const ADVISORY: &str = "fixtures/plan/advisory.yaml";
const INVENTORY: &str = "fixtures/plan/inventory.csv";
const INVENTORY_YAML: &str = "fixtures/plan/inventory.yaml";
const ROSTER: &str = "fixtures/plan/roster.yaml";
const PLAN: &str = "fixtures/plan/plan.csv";
const HISTORY: &str = "fixtures/plan/history.csv";
const DATA_CALL: &str = "2026-11-02 08:00";

type Row = BTreeMap<String, String>;

fn parse_csv(text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn affected(inventory: &str, format: &str) -> Run {
    run(&[
        "affected",
        "--advisory",
        ADVISORY,
        "--inventory",
        inventory,
        "--format",
        format,
    ])
}

fn plan(format: &str, roster: &str) -> Run {
    run(&[
        "plan",
        "--data-call",
        DATA_CALL,
        "--advisory",
        ADVISORY,
        "--inventory",
        INVENTORY,
        "--roster",
        roster,
        "--format",
        format,
    ])
}

fn check_roster(roster: &str) -> Run {
    run(&[
        "check",
        "rules/doc",
        "--roster",
        roster,
        "--inventory",
        INVENTORY,
    ])
}

// ---- docket affected ----

#[test]
fn the_advisory_hits_two_of_three_units_and_a_missing_version_is_unknown() {
    let out = affected(INVENTORY, "csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let listed: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["unit"].as_str(),
                r["system"].as_str(),
                r["status"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("NIST", "NIST-DB-01", "affected"),
            ("NOAA", "NOAA-DB-01", "affected"),
            ("NOAA", "NOAA-DB-02", "unknown"),
        ],
        "NTIA's systems are patched (MS02-061) or at 8.00.760, outside the range"
    );
    assert_eq!(
        rows[2]["reason"],
        "no version given for Microsoft SQL Server"
    );
    assert_eq!(rows[2]["location"], "fixtures/plan/inventory.csv:6:1");
    assert!(
        out.stderr
            .contains("6 systems: 2 affected, 1 unknown, 1 patched, 2 not affected"),
        "{}",
        out.stderr
    );
}

#[test]
fn yaml_and_csv_inventories_give_the_same_verdicts() {
    let strip = |text: &str| -> Vec<(String, String, String, String)> {
        parse_csv(text)
            .into_iter()
            .map(|r| {
                (
                    r["unit"].clone(),
                    r["system"].clone(),
                    r["status"].clone(),
                    r["reason"].clone(),
                )
            })
            .collect()
    };
    let csv = affected(INVENTORY, "csv");
    let yaml = affected(INVENTORY_YAML, "csv");
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    assert_eq!(strip(&csv.stdout), strip(&yaml.stdout));
}

#[test]
fn markdown_counts_each_unit() {
    let out = affected(INVENTORY, "md");
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("| NIST | 1 | 0 |"), "{}", out.stdout);
    assert!(out.stdout.contains("| NOAA | 1 | 1 |"));
    assert!(out.stdout.contains("| **total** | 2 | 1 |"));
    assert!(!out.stdout.contains("NTIA"));
}

#[test]
fn json_lines_have_one_object_per_listed_system() {
    let out = affected(INVENTORY, "jsonl");
    let objects: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object"))
        .collect();
    assert_eq!(objects.len(), 3);
    assert_eq!(objects[2]["status"], "unknown");
}

#[test]
fn profiles_missing_what_the_question_needs_are_never_safe() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.csv");
    std::fs::write(
        &inventory,
        "system,unit,owner,administrator,product,version,patches\n\
         A,NIST,o,a,Microsoft SQL Server,8.00.194,\n\
         B,NIST,o,a,Microsoft SQL Server,eight,none\n\
         C,,o,a,Microsoft SQL Server,8.00.194,none\n\
         D,NIST,o,a,,,none\n\
         E,NIST,o,a,microsoft  sql server,8.00.759,none\n\
         F,NIST,o,a,Microsoft SQL Server,8.00.760,\n",
    )
    .unwrap();
    let out = affected(inventory.to_str().unwrap(), "csv");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let by_system: BTreeMap<String, Row> = parse_csv(&out.stdout)
        .into_iter()
        .map(|r| (r["system"].clone(), r))
        .collect();
    let status = |s: &str| by_system.get(s).map(|r| r["status"].as_str());
    assert_eq!(status("A"), Some("unknown"), "patches not given");
    assert!(by_system["A"]["reason"].contains("does not say which patches"));
    assert_eq!(status("B"), Some("unknown"), "unparsable version");
    assert_eq!(status("C"), Some("unknown"), "no unit");
    assert_eq!(by_system["C"]["unit"], "(no unit)");
    assert_eq!(status("D"), Some("unknown"), "no product listed");
    assert_eq!(
        status("E"),
        Some("affected"),
        "names compare case and spacing aside"
    );
    assert_eq!(
        status("F"),
        None,
        "8.00.760 is outside the range: not listed"
    );
}

#[test]
fn a_bad_advisory_is_an_error_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let advisory = dir.path().join("advisory.yaml");
    std::fs::write(
        &advisory,
        "id: X\nfixed_by: P\naffects:\n  - product: P\n    versions: {gte: \"8.0/sp2\", below: \"9\"}\n",
    )
    .unwrap();
    let out = run(&[
        "affected",
        "--advisory",
        advisory.to_str().unwrap(),
        "--inventory",
        INVENTORY,
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("`8.0/sp2` is not a version"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("advisory.yaml:5:21"), "{}", out.stderr);
    assert!(out.stderr.contains("unknown key `below`"), "{}", out.stderr);
}

#[test]
fn an_inventory_whose_rows_disagree_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.csv");
    std::fs::write(
        &inventory,
        "system,unit,owner,administrator,product,version,patches,colour\n\
         A,NIST,o,a,P,1,none,\n\
         A,NOAA,o,a,Q,1,none,\n",
    )
    .unwrap();
    let out = affected(inventory.to_str().unwrap(), "csv");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown inventory column `colour`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("system `A` is given another unit than on an earlier row"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("inventory.csv:3:3"), "{}", out.stderr);
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let out = affected("fixtures/plan/nope.csv", "csv");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope.csv"), "{}", out.stderr);
}

// ---- docket check --roster ----

#[test]
fn the_shipped_roster_passes() {
    let out = check_roster(ROSTER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("rules/doc: ok"));
}

#[test]
fn a_unit_without_a_contact_is_a_check_error() {
    let out = check_roster("fixtures/plan/roster-missing-contact.yaml");
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("roster_missing_contact", out.stderr);
}

#[test]
fn a_call_loop_is_a_check_error() {
    let out = check_roster("fixtures/plan/roster-call-cycle.yaml");
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("roster_call_cycle", out.stderr);
}

#[test]
fn no_method_and_an_owner_missing_from_the_roster_are_check_errors() {
    let out = check_roster("fixtures/plan/roster-incomplete.yaml");
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("roster_incomplete", out.stderr);
}

#[test]
fn roster_diagnostics_come_out_in_json_with_positions() {
    let out = run(&[
        "check",
        "rules/doc",
        "--roster",
        "fixtures/plan/roster-missing-contact.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "missing-contact");
    assert_eq!(first["file"], "fixtures/plan/roster-missing-contact.yaml");
    assert_eq!(first["line"], 8);
    assert_eq!(first["column"], 12);
}

#[test]
fn with_an_advisory_only_exposed_systems_need_owners_on_the_roster() {
    // NTIA's administrator has no method in this roster, but only NOAA's
    // missing administrator concerns the exposed systems.
    let out = run(&[
        "check",
        "rules/doc",
        "--roster",
        "fixtures/plan/roster-incomplete.yaml",
        "--inventory",
        INVENTORY,
        "--advisory",
        ADVISORY,
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr.matches("owner-not-on-roster").count(), 2);
}

#[test]
fn a_usda_roster_requires_isspm_deputy_and_cio_in_every_agency() {
    let out = run(&[
        "check",
        "rules/usda",
        "--roster",
        "fixtures/plan/usda-roster.yaml",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("unit `NRCS` has nobody in the required role `deputy-isspm`"),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stderr.matches("missing-contact").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn every_roster_code_is_shown_by_a_fixture() {
    let mut shown = std::collections::HashSet::new();
    for roster in [
        "roster-missing-contact",
        "roster-call-cycle",
        "roster-incomplete",
    ] {
        let out = check_roster(&format!("fixtures/plan/{roster}.yaml"));
        for code in docket::diagnostic::Code::ALL {
            if out.stderr.contains(&format!("docket::{}", code.as_str())) {
                shown.insert(*code);
            }
        }
    }
    let missing: Vec<&str> = docket::diagnostic::Code::ALL
        .iter()
        .filter(|c| c.is_from_roster_check() && !shown.contains(*c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "no roster fixture shows {missing:?}");
}

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
    let out = run(&[
        "plan",
        ruleset.to_str().unwrap(),
        "--data-call",
        DATA_CALL,
        "--advisory",
        ADVISORY,
        "--inventory",
        INVENTORY,
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
    let out = run(&[
        "plan",
        "--data-call",
        DATA_CALL,
        "--advisory",
        ADVISORY,
        "--inventory",
        INVENTORY,
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
    let out = run(&[
        "plan",
        "--data-call",
        "yesterday",
        "--advisory",
        ADVISORY,
        "--inventory",
        INVENTORY,
        "--roster",
        ROSTER,
    ]);
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
    assert_eq!(
        status("doc.e4h-roster-notified", "NOAA").as_deref(),
        Some("missed")
    );
    assert_eq!(
        status("doc.e4h-roster-notified", "NIST").as_deref(),
        Some("met")
    );
    assert_eq!(
        status("doc.e4h-patches-downloaded", "NOAA").as_deref(),
        Some("late")
    );
    assert_eq!(
        status("doc.e12h-patch-installed", "NIST").as_deref(),
        Some("pending")
    );
    assert_eq!(
        status("doc.e2h-affected-units", "NTIA").as_deref(),
        Some("unplanned"),
        "the CIPM named a unit the plan has no exposed system in"
    );
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

/// The lines of the fenced block that starts at the first line of the
/// README containing `marker` (or the block right after it), without the
/// `$ ...` command lines and the lines elided with `...`.
fn readme_block(readme: &str, marker: &str) -> Vec<String> {
    let start = readme.find(marker).expect("the README has the example");
    let mut lines = readme[start..].lines().skip(1);
    let mut block = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("```") {
            if block.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with("$ ") || line.starts_with("    --") || line.trim_end().ends_with("...")
        {
            continue;
        }
        block.push(line.to_owned());
    }
    block
}

fn assert_readme_lines_in(block: &[String], output: &str, what: &str) {
    assert!(!block.is_empty(), "{what}: no README block");
    for line in block {
        assert!(
            output.contains(line.as_str()),
            "{what}: the README shows a line docket does not print:\n{line}"
        );
    }
}

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

//! `docket check --roster`: the call roster validated next to the ruleset,
//! with the inventory's units, owners and administrators.

mod common;
use common::planning::*;
use common::run;

#[test]
fn the_shipped_roster_passes() {
    let out = check_roster(ROSTER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("rules/doc: ok"));
}

/// A unit without a contact, a call loop, and a roster with someone
/// unreachable and an administrator missing: each a check error (exit 1),
/// shown with its file, line and column.
#[test]
fn broken_rosters_are_check_errors() {
    for (fixture, snapshot) in [
        ("roster-missing-contact", "roster_missing_contact"),
        ("roster-call-cycle", "roster_call_cycle"),
        ("roster-incomplete", "roster_incomplete"),
    ] {
        let out = check_roster(&format!("fixtures/plan/{fixture}.yaml"));
        assert_eq!(out.code, 1, "{fixture}");
        insta::assert_snapshot!(snapshot, out.stderr);
    }
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
    assert!(
        out.stderr.contains("rules/usda: 1 error,"),
        "{}",
        out.stderr
    );
    // This roster also lacks the US-CERT and OIG desks that the closing
    // event notifies: warnings, at the ruleset's line.
    for role in ["us-cert", "oig"] {
        assert!(
            out.stderr
                .contains(&format!("nobody on the roster holds role `{role}`")),
            "{}",
            out.stderr
        );
    }
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

/// A role the ruleset's events name that nobody on the roster holds
/// (here `cipm`, misspelt on the roster) is a warning at the ruleset's
/// line, with the closest role the roster has.
#[test]
fn a_role_the_ruleset_names_and_nobody_holds_is_a_warning_at_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.yaml");
    let text = std::fs::read_to_string(common::repo().join(ROSTER)).unwrap();
    assert!(text.contains("role: cipm"));
    std::fs::write(&roster, text.replace("role: cipm", "role: cimp")).unwrap();
    let out = run(&["check", "rules/doc", "--roster", roster.to_str().unwrap()]);
    assert_eq!(out.code, 0, "a warning, not an error: {}", out.stderr);
    assert!(
        out.stderr
            .contains("nobody on the roster holds role `cipm`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("rules/doc/ruleset.yaml:73:9"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `cimp`?"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.matches("holds role `cipm`").count(), 1);
}

//! Running the planning commands on the fixtures of `fixtures/plan/`: an
//! advisory that hits two of three units, a system whose version is
//! missing, rosters broken one way each, and a history whose NOAA roster
//! notice never happened; for USDA, a declared incident at the Forest
//! Service whose compromised systems were never disconnected.

use super::{Run, run};

pub const ADVISORY: &str = "fixtures/plan/advisory.yaml";
pub const INVENTORY: &str = "fixtures/plan/inventory.csv";
pub const INVENTORY_YAML: &str = "fixtures/plan/inventory.yaml";
pub const ROSTER: &str = "fixtures/plan/roster.yaml";
pub const PLAN: &str = "fixtures/plan/plan.csv";
pub const HISTORY: &str = "fixtures/plan/history.csv";
pub const DATA_CALL: &str = "2026-11-02 08:00";

pub fn affected(inventory: &str, format: &str) -> Run {
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

/// `docket plan EXTRA... --advisory ADVISORY --inventory INVENTORY`.
pub fn plan_with(extra: &[&str]) -> Run {
    let mut args = vec!["plan"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--advisory", ADVISORY, "--inventory", INVENTORY]);
    run(&args)
}

pub fn plan(format: &str, roster: &str) -> Run {
    plan_with(&[
        "--data-call",
        DATA_CALL,
        "--roster",
        roster,
        "--format",
        format,
    ])
}

pub fn check_roster(roster: &str) -> Run {
    run(&[
        "check",
        "rules/doc",
        "--roster",
        roster,
        "--inventory",
        INVENTORY,
    ])
}

// ---- the README's examples ----

/// The lines of the fenced block that starts at the first line of the
/// README containing `marker` (or the block right after it), without the
/// `$ ...` command lines and the lines elided with `...`.
pub fn readme_block(readme: &str, marker: &str) -> Vec<String> {
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

pub fn assert_readme_lines_in(block: &[String], output: &str, what: &str) {
    assert!(!block.is_empty(), "{what}: no README block");
    for line in block {
        assert!(
            output.contains(line.as_str()),
            "{what}: the README shows a line docket does not print:\n{line}"
        );
    }
}

// ---- USDA: a declared incident at one agency ----

pub const USDA_ROSTER: &str = "fixtures/plan/usda-roster-ok.yaml";
pub const USDA_ROSTER_BROKEN: &str = "fixtures/plan/usda-roster.yaml";
pub const USDA_PLAN: &str = "fixtures/plan/usda-plan.csv";
pub const USDA_HISTORY: &str = "fixtures/plan/usda-history.csv";
pub const DECLARED: &str = "2026-11-02 09:00";
pub const DETECTED: &str = "2026-11-02 08:00";

/// `docket plan --declared DECLARED --detected DETECTED --agency FS --level
/// high --attr compromised=true EXTRA...`: the plan of the shipped
/// `fixtures/plan/usda-plan.csv`, a root-level break-in at the Forest
/// Service.
pub fn usda_plan(format: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "plan",
        "--declared",
        DECLARED,
        "--detected",
        DETECTED,
        "--agency",
        "FS",
        "--level",
        "high",
        "--attr",
        "compromised=true",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// `docket audit --rules rules/usda --plan USDA_PLAN` on the USDA history,
/// a day after the declaration.
pub fn usda_audit_plan(format: &str) -> Run {
    run(&[
        "audit",
        "--rules",
        "rules/usda",
        "--plan",
        USDA_PLAN,
        "--as-of",
        "2026-11-03 09:00",
        "--format",
        format,
        USDA_HISTORY,
    ])
}

//! Running the planning commands on the fixtures of `fixtures/plan/`: an
//! advisory that hits two of three units, a system whose version is
//! missing, rosters broken one way each, and a history whose NOAA roster
//! notice never happened.

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

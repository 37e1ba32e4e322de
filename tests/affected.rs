//! `docket affected`: the systems an advisory leaves exposed in the PADC
//! inventory, by unit; incomplete profiles are unknown, never safe.

use std::collections::BTreeMap;

mod common;
use common::planning::*;
use common::{Row, parse_csv, run};

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

#[test]
fn a_yaml_inventory_listing_a_system_twice_is_an_error_at_the_second_entry() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.yaml");
    std::fs::write(
        &inventory,
        "systems:\n\
         \x20 - system: A\n\
         \x20   unit: NIST\n\
         \x20   patches: []\n\
         \x20 - system: A\n\
         \x20   unit: NOAA\n\
         \x20   patches: []\n",
    )
    .unwrap();
    let out = affected(inventory.to_str().unwrap(), "csv");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("lists system `A` twice"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("inventory.yaml:5:13"), "{}", out.stderr);
}

//! `docket check`: the diagnostics of broken rulesets (`fixtures/check/`,
//! snapshotted as plain text), exit codes, the shipped rulesets' own
//! warnings, and the citations and ids of every shipped rule.
//!
//! Every run uses the repository root as its current directory and relative
//! paths, so the paths in the snapshots do not depend on the machine.
//! Update snapshots with `cargo insta review` or `INSTA_UPDATE=always cargo test`.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{Run, docket, repo};

fn check(args: &[&str]) -> Run {
    Run::of(docket().arg("check").args(args))
}

/// The `--format json` report of a ruleset.
fn check_json(ruleset: &str) -> Value {
    let run = check(&[ruleset, "--format", "json"]);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("check --format json printed no JSON ({e}):\n{}", run.stdout))
}

/// `code file:line:column` of every diagnostic, in output order.
fn codes_and_locations(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap_or("-"),
                d["line"],
                d["column"]
            )
        })
        .collect()
}

/// Checks a broken fixture: the exit status, the codes and primary
/// locations (from `--format json`) and the plain rendering (a snapshot).
fn assert_fixture(name: &str, exit: i32, expected: &[&str]) {
    let dir = format!("fixtures/check/{name}");
    let human = check(&[&dir]);
    assert_eq!(human.code, exit, "exit status of {name}:\n{}", human.stderr);
    assert!(human.stdout.is_empty(), "human output goes to stderr only");
    assert!(
        !human.stderr.contains('\u{1b}'),
        "plain output must carry no colour codes"
    );
    let report = check_json(&dir);
    let expected: Vec<String> = expected
        .iter()
        .map(|e| {
            let (code, location) = e.split_once(' ').unwrap();
            format!("{code} {dir}/{location}")
        })
        .collect();
    assert_eq!(
        codes_and_locations(&report),
        expected,
        "diagnostics of {name}"
    );
    insta::assert_snapshot!(name, human.stderr);
}

// ---------------------------------------------------------------- errors

#[test]
fn a_yaml_syntax_error_points_at_the_character_the_parser_rejects() {
    assert_fixture("yaml-syntax", 1, &["yaml-syntax ruleset.yaml:15:30"]);
}

#[test]
fn an_unknown_key_is_reported_with_did_you_mean() {
    // The misspelt `citation` is also missing, and both are said.
    assert_fixture(
        "unknown-key",
        1,
        &[
            "missing-key ruleset.yaml:17:5",
            "unknown-key ruleset.yaml:19:5",
        ],
    );
}

#[test]
fn an_unknown_field_in_a_condition_is_reported_with_the_closest_field() {
    assert_fixture("unknown-field", 1, &["unknown-field ruleset.yaml:18:7"]);
}

#[test]
fn gt_on_a_string_field_is_an_operator_type_error() {
    assert_fixture("operator-type", 1, &["operator-type ruleset.yaml:16:18"]);
}

#[test]
fn references_to_an_undefined_list_threshold_level_and_event_are_dangling() {
    assert_fixture(
        "dangling-references",
        1,
        &[
            "dangling-reference ruleset.yaml:25:27",
            "dangling-reference ruleset.yaml:30:22",
            "dangling-reference ruleset.yaml:32:12",
            "dangling-reference ruleset.yaml:43:9",
        ],
    );
}

#[test]
fn a_duplicate_id_across_two_included_files_shows_both_definitions() {
    assert_fixture("duplicate-id", 1, &["duplicate-id criteria-b.yaml:7:9"]);
    let report = check_json("fixtures/check/duplicate-id");
    let labels = &report["diagnostics"][0]["labels"];
    assert_eq!(
        labels[1]["file"],
        "fixtures/check/duplicate-id/criteria-a.yaml"
    );
    assert_eq!(
        (labels[1]["line"].as_u64(), labels[1]["column"].as_u64()),
        (Some(3), Some(9))
    );
}

#[test]
fn an_include_cycle_is_reported_at_the_include_that_closes_it() {
    assert_fixture("include-cycle", 1, &["include-cycle levels.yaml:2:11"]);
}

#[test]
fn an_alias_bomb_stops_at_the_yaml_budget() {
    assert_fixture("alias-bomb", 1, &["yaml-budget ruleset.yaml:12:27"]);
}

#[test]
fn levels_written_as_a_mapping_are_a_wrong_type_error() {
    assert_fixture("wrong-type", 1, &["wrong-type ruleset.yaml:7:3"]);
}

#[test]
fn a_bad_time_zone_regular_expression_and_duration_are_invalid_values() {
    assert_fixture(
        "invalid-values",
        1,
        &[
            "invalid-value ruleset.yaml:6:11",
            "invalid-value ruleset.yaml:16:28",
            "invalid-value ruleset.yaml:25:13",
        ],
    );
}

#[test]
fn a_value_outside_an_enum_field_is_reported_with_the_closest_code() {
    assert_fixture(
        "unknown-enum-value",
        1,
        &["unknown-enum-value ruleset.yaml:16:22"],
    );
}

#[test]
fn an_unknown_operator_lists_the_operators_of_the_field_type() {
    assert_fixture(
        "unknown-operator",
        1,
        &["unknown-operator ruleset.yaml:15:25"],
    );
}

#[test]
fn metadata_in_an_included_file_is_a_misplaced_key() {
    assert_fixture("misplaced-key", 1, &["misplaced-key levels.yaml:2:1"]);
}

#[test]
fn a_criterion_testing_the_level_is_a_derived_field_error() {
    assert_fixture("derived-field", 1, &["derived-field ruleset.yaml:16:7"]);
}

#[test]
fn a_missing_included_file_is_an_io_error_at_its_include() {
    assert_fixture("missing-include", 1, &["io ruleset.yaml:6:24"]);
}

// -------------------------------------------------------------- warnings

#[test]
fn exceeding_and_less_than_the_same_threshold_leave_a_numeric_gap_at_both_criteria() {
    assert_fixture("numeric-gap", 0, &["numeric-gap ruleset.yaml:23:18"]);
    let report = check_json("fixtures/check/numeric-gap");
    let labels: Vec<(u64, &str)> = report["diagnostics"][0]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_u64().unwrap(), l["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        labels,
        [
            (23, "`high.property-destruction` covers 100000.01 and above"),
            (29, "`medium.property-destruction` covers up to 99999.99"),
        ]
    );
}

#[test]
fn at_least_and_up_to_the_same_amount_overlap_at_different_levels() {
    assert_fixture(
        "numeric-overlap",
        0,
        &["numeric-overlap ruleset.yaml:27:18"],
    );
}

#[test]
fn a_criterion_a_more_severe_weaker_one_always_beats_is_shadowed() {
    assert_fixture(
        "shadowed-criterion",
        0,
        &["shadowed-criterion ruleset.yaml:22:9"],
    );
}

#[test]
fn an_event_no_deadline_uses_is_reported_unused() {
    assert_fixture("unused-event", 0, &["unused-event ruleset.yaml:8:3"]);
}

#[test]
fn a_self_contradicting_applies_and_a_per_no_event_carries_make_deadlines_that_cannot_start() {
    assert_fixture(
        "deadline-cannot-start",
        0,
        &[
            "deadline-cannot-start ruleset.yaml:16:9",
            "deadline-cannot-start ruleset.yaml:30:10",
        ],
    );
}

#[test]
fn a_declare_and_a_withhold_trigger_matching_one_record_are_a_declaration_conflict() {
    assert_fixture(
        "declaration-conflict",
        0,
        &["declaration-conflict ruleset.yaml:25:9"],
    );
}

#[test]
fn a_list_nothing_references_is_an_unused_definition() {
    assert_fixture(
        "unused-definition",
        0,
        &["unused-definition ruleset.yaml:10:3"],
    );
}

#[test]
fn a_criterion_whose_tests_contradict_each_other_is_unsatisfiable() {
    assert_fixture("unsatisfiable", 0, &["unsatisfiable ruleset.yaml:11:9"]);
}

#[test]
fn every_diagnostic_code_is_shown_by_some_fixture() {
    let mut shown = HashSet::new();
    for entry in std::fs::read_dir(repo().join("fixtures/check")).unwrap() {
        let dir = entry.unwrap().path();
        let diagnostics = match docket::ruleset::load(&dir) {
            Ok(ruleset) => docket::check::analyse(&ruleset),
            Err(error) => error.diagnostics,
        };
        shown.extend(diagnostics.iter().map(|d| d.code));
    }
    let missing: Vec<&str> = docket::diagnostic::Code::ALL
        .iter()
        .filter(|code| code.is_from_check() && !shown.contains(*code))
        .map(|code| code.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "no fixture under fixtures/check/ shows {missing:?}"
    );
}

#[test]
fn the_json_report_of_a_fixture_has_every_position_and_label() {
    let run = check(&["fixtures/check/dangling-references", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.is_empty(), "JSON mode prints nothing on stderr");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(4), Some(0))
    );
    insta::assert_snapshot!("dangling-references-json", run.stdout);
}

// ------------------------------------------------------------ exit codes

#[test]
fn warnings_alone_exit_0_and_exit_1_with_deny_warnings() {
    assert_eq!(check(&["fixtures/check/numeric-gap"]).code, 0);
    let denied = check(&["fixtures/check/numeric-gap", "--deny-warnings"]);
    assert_eq!(denied.code, 1);
    assert!(denied.stderr.contains("numeric-gap"));
}

#[test]
fn a_clean_ruleset_exits_0_even_with_deny_warnings() {
    let run = check(&["rules/doc", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "rules/doc: ok\n");
}

#[test]
fn errors_exit_1() {
    let run = check(&["fixtures/check/unknown-field"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("fixtures/check/unknown-field: 1 error, 0 warnings\n")
    );
}

#[test]
fn a_ruleset_path_that_does_not_exist_is_a_usage_error() {
    let run = check(&["rules/no-such-ruleset"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no ruleset at rules/no-such-ruleset"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_directory_without_ruleset_yaml_is_a_usage_error() {
    let run = check(&["fixtures/check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("fixtures/check/ruleset.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let run = check(&["rules/doc", "--no-such-flag"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
}

#[test]
fn an_unknown_output_format_is_a_usage_error() {
    let run = check(&["rules/doc", "--format", "yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("yaml"), "{}", run.stderr);
}

#[test]
fn without_a_path_check_reads_the_usda_rules() {
    let run = check(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.ends_with("rules/usda: 0 errors, 3 warnings\n"),
        "{}",
        run.stderr
    );
}

// ----------------------------------------------------- shipped rulesets

/// The 1-based line and column of `needle` in `file`, first found after the
/// line holding `id: {id}`.
fn position_after(file: &str, id: &str, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(repo().join(file)).unwrap();
    let anchor = format!("id: {id}");
    let mut seen_anchor = false;
    for (i, line) in text.lines().enumerate() {
        seen_anchor |= line.trim_start().trim_start_matches("- ") == anchor;
        match line.find(needle) {
            Some(column) if seen_anchor => return (i as u64 + 1, column as u64 + 1),
            _ => {}
        }
    }
    panic!("no `{needle}` after `{anchor}` in {file}");
}

fn label_positions(diagnostic: &Value) -> Vec<(String, u64, u64)> {
    diagnostic["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["file"].as_str().unwrap().to_owned(),
                l["line"].as_u64().unwrap(),
                l["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn gap_between(high: &str, medium: &str) -> Vec<(String, u64, u64)> {
    let high_file = "rules/usda/criteria-high.yaml";
    let medium_file = "rules/usda/criteria-medium.yaml";
    let (hl, hc) = position_after(high_file, high, "gt: major_loss_usd");
    let (ml, mc) = position_after(medium_file, medium, "lt: major_loss_usd");
    vec![
        (high_file.to_owned(), hl, hc),
        (medium_file.to_owned(), ml, mc),
    ]
}

#[test]
fn the_usda_rules_pass_with_the_two_100000_gaps_and_the_3a_3b_conflict() {
    let run = check(&["rules/usda"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.ends_with("rules/usda: 0 errors, 3 warnings\n"));

    let report = check_json("rules/usda");
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 3);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["numeric-gap", "numeric-gap", "declaration-conflict"]
    );

    let property = &diagnostics[0];
    assert_eq!(
        label_positions(property),
        gap_between("high.property-destruction", "medium.property-destruction")
    );
    assert!(
        property["message"]
            .as_str()
            .unwrap()
            .contains("`loss_usd` exactly 100000 matches neither `high.property-destruction` (high) nor `medium.property-destruction` (medium)")
    );

    let theft = &diagnostics[1];
    assert_eq!(
        label_positions(theft),
        gap_between("high.personal-theft", "medium.personal-theft")
    );
    assert!(
        theft["message"]
            .as_str()
            .unwrap()
            .contains("exactly 100000 matches neither `high.personal-theft`")
    );

    let conflict = &diagnostics[2];
    let triggers = "rules/usda/triggers.yaml";
    let withhold = position_after(
        triggers,
        "withhold.3b-adverse-event",
        "withhold.3b-adverse-event",
    );
    let declare = position_after(triggers, "declare.3a2-us-cert", "declare.3a2-us-cert");
    let labels = label_positions(conflict);
    assert_eq!(labels[0], (triggers.to_owned(), withhold.0, withhold.1));
    assert!(labels.contains(&(triggers.to_owned(), declare.0, declare.1)));
    assert!(labels.iter().all(|(file, ..)| file == triggers));
    let message = conflict["message"].as_str().unwrap();
    assert!(message.contains("`withhold.3b-adverse-event` (USDA 3b (last paragraph of (1)))"));
    assert!(message.contains("`declare.3a2-us-cert`"));
}

#[test]
fn the_doc_rules_are_clean() {
    let report = check_json("rules/doc");
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["ruleset"], "rules/doc");
}

/// Copies a ruleset directory (flat, as the shipped ones are).
fn copy_ruleset(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn a_misspelt_field_in_a_copy_of_the_usda_rules_is_an_error_at_that_word_with_the_right_name() {
    let dir = tempfile::tempdir().unwrap();
    copy_ruleset(&repo().join("rules/usda"), dir.path());
    let file = dir.path().join("criteria-high.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (line, column) = position_after(
        "rules/usda/criteria-high.yaml",
        "high.property-destruction",
        "category: property-destruction",
    );
    let misspelt: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i as u64 + 1 == line {
                format!("{}\n", l.replacen("category", "catgory", 1))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(misspelt, text);
    std::fs::write(&file, misspelt).unwrap();

    let human = Run::of(docket().arg("check").arg(dir.path()));
    assert_eq!(human.code, 1, "{}", human.stderr);
    let location = format!("{}:{line}:{column}", file.display());
    assert!(
        human.stderr.contains(&location),
        "expected {location} in:\n{}",
        human.stderr
    );
    assert!(human.stderr.contains("unknown field `catgory`"));
    assert!(human.stderr.contains("did you mean `category`?"));

    let json = Run::of(
        docket()
            .arg("check")
            .arg(dir.path())
            .args(["--format", "json"]),
    );
    assert_eq!(json.code, 1);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["errors"], 1);
    let error = &report["diagnostics"][0];
    assert_eq!(error["code"], "unknown-field");
    assert_eq!(error["file"], file.display().to_string());
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert_eq!(
        error["end_column"].as_u64(),
        Some(column + "catgory".len() as u64)
    );
    assert_eq!(error["help"], "did you mean `category`?");
}

// ------------------------------------------------ citations and unique ids

/// `(kind, id, citation)` of every rule of a shipped ruleset.
fn rules_of(path: &str) -> Vec<(&'static str, String, Option<String>)> {
    let ruleset = docket::ruleset::load(&repo().join(path))
        .unwrap_or_else(|e| panic!("{path} does not load: {e}"));
    let mut rules = Vec::new();
    for c in &ruleset.criteria {
        rules.push((
            "criterion",
            c.id.value.clone(),
            Some(c.citation.value.clone()),
        ));
    }
    for t in &ruleset.triggers {
        rules.push((
            "trigger",
            t.id.value.clone(),
            Some(t.citation.value.clone()),
        ));
    }
    for d in &ruleset.deadlines {
        rules.push((
            "deadline",
            d.id.value.clone(),
            Some(d.citation.value.clone()),
        ));
    }
    for l in &ruleset.levels {
        rules.push(("level", l.id.value.clone(), l.citation.clone()));
        if let Some(response) = &l.response {
            rules.push((
                "level response",
                l.id.value.clone(),
                Some(response.citation.value.clone()),
            ));
        }
    }
    for m in &ruleset.mappings {
        for (i, rule) in m.rules.iter().enumerate() {
            rules.push((
                "mapping rule",
                format!("{}#{}", m.format.value, i + 1),
                rule.citation.clone(),
            ));
        }
    }
    rules
}

#[test]
fn every_shipped_rule_has_a_non_empty_citation() {
    for path in ["rules/usda", "rules/doc"] {
        let rules = rules_of(path);
        for (kind, id, citation) in &rules {
            let citation = citation.as_deref().unwrap_or_default();
            assert!(
                !citation.trim().is_empty(),
                "{path}: {kind} `{id}` has no citation"
            );
        }
    }
    // Guard against a vacuous pass: the USDA rules have every kind of rule.
    let usda = rules_of("rules/usda");
    for kind in [
        "criterion",
        "trigger",
        "deadline",
        "level",
        "level response",
        "mapping rule",
    ] {
        assert!(
            usda.iter().any(|(k, ..)| *k == kind),
            "rules/usda has no {kind}"
        );
    }
    assert!(
        rules_of("rules/doc")
            .iter()
            .filter(|(k, ..)| *k == "deadline")
            .count()
            >= 10
    );
}

#[test]
fn every_shipped_rule_id_is_unique_within_its_ruleset() {
    for path in ["rules/usda", "rules/doc"] {
        let rules = rules_of(path);
        // Criteria, triggers and deadlines share one namespace (a `rule` or
        // `trigger` column may name any of them); levels have their own.
        let mut decisions = HashSet::new();
        let mut levels = HashSet::new();
        for (kind, id, _) in &rules {
            assert!(!id.trim().is_empty(), "{path}: a {kind} has an empty id");
            let fresh = match *kind {
                "criterion" | "trigger" | "deadline" => decisions.insert(id.clone()),
                "level" => levels.insert(id.clone()),
                _ => true,
            };
            assert!(fresh, "{path}: {kind} id `{id}` is used twice");
        }
    }
}

#[test]
fn an_event_that_requires_a_missing_event_or_itself_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = dir.path().join("ruleset.yaml");
    std::fs::write(
        &ruleset,
        "\
id: requires
title: Events that must come after another
timezone: America/New_York
events:
  restore_requested: {citation: USDA 3c(5)}
  restore_decision: {citation: USDA 3c(5)}
  restored: {requires: restore_decison, milestone: true, citation: USDA 3c(5)}
  closed: {closes: true, requires: closed, citation: USDA 3c(5)}
deadlines:
  - id: restore-decision
    citation: USDA 3c(5)
    from: restore_requested
    to: restore_decision
    within: 1 working day
",
    )
    .unwrap();
    let run = check(&[ruleset.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let found: Vec<(&str, &str, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "dangling-reference");
    assert!(found[0].1.contains("restore_decison"), "{found:?}");
    assert_eq!(found[0].2, 7);
    assert_eq!(
        diagnostics[0]["help"], "did you mean `restore_decision`?",
        "{found:?}"
    );
    assert_eq!(
        found[1],
        ("invalid-value", "an event cannot require itself", 8)
    );
}

#[test]
fn an_outbreak_window_needs_a_timestamp_in_the_key_and_a_timestamp_needs_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = dir.path().join("ruleset.yaml");
    let write = |triggers: &str| {
        std::fs::write(
            &ruleset,
            format!(
                "\
id: outbreaks
title: Outbreak numbering
timezone: America/New_York
fields:
  malware_name: {{type: string}}
  occurred_at: {{type: timestamp}}
triggers:
{triggers}"
            ),
        )
        .unwrap();
    };
    let errors = |triggers: &str| -> Vec<(String, String)> {
        write(triggers);
        let run = check(&[ruleset.to_str().unwrap(), "--format", "json"]);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_owned(),
                    d["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let trigger = |extra: &str| {
        format!(
            "  - id: declare.outbreak\n    citation: USDA 3a(7)\n    incident_number: per-outbreak\n{extra}    when: {{malware_name: {{exists: true}}}}\n"
        )
    };
    assert_eq!(
        errors(&trigger(
            "    outbreak_key: [malware_name, occurred_at]\n    outbreak_window: year\n"
        )),
        []
    );
    assert_eq!(
        errors(&trigger("    outbreak_key: [malware_name, occurred_at]\n")),
        [(
            "missing-key".to_owned(),
            "a timestamp in `outbreak_key` needs an `outbreak_window`".to_owned()
        )]
    );
    assert_eq!(
        errors(&trigger(
            "    outbreak_key: [malware_name]\n    outbreak_window: year\n"
        )),
        [(
            "misplaced-key".to_owned(),
            "`outbreak_window` needs a timestamp field in `outbreak_key`".to_owned()
        )]
    );
    assert_eq!(
        errors(&trigger(
            "    outbreak_key: [malware_name, occurred_at]\n    outbreak_window: decade\n"
        ))[0]
            .1,
        "`decade` is not a valid `outbreak_window`"
    );
}

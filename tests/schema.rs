//! The JSON Schema of the ruleset format: `docket schema` prints the
//! committed copy, the schema accepts every shipped rule file and rejects an
//! unknown key, and every shipped file points editors at it.

use std::path::PathBuf;

mod common;
use common::repo;
use serde_json::Value;

const COMMITTED_SCHEMA: &str = "schema/ruleset.schema.json";
const MODELINE: &str = "# yaml-language-server: $schema=../../schema/ruleset.schema.json";

/// Every `.yaml` file of the shipped rulesets (`rules/*/`), sorted.
fn shipped_yaml_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for ruleset in std::fs::read_dir(repo().join("rules")).expect("rules/ exists") {
        let ruleset = ruleset.expect("readable rules/ entry").path();
        if !ruleset.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&ruleset).expect("readable ruleset directory") {
            let path = entry.expect("readable ruleset entry").path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn committed_schema() -> Value {
    let text = std::fs::read_to_string(repo().join(COMMITTED_SCHEMA)).expect("committed schema");
    serde_json::from_str(&text).expect("the committed schema is JSON")
}

fn yaml_as_json(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).expect("YAML that converts to JSON")
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn docket_schema_prints_exactly_the_committed_schema_file() {
    let run = common::run(&["schema"]);
    assert_eq!(run.code, 0);
    let printed = run.stdout;
    let committed = std::fs::read_to_string(repo().join(COMMITTED_SCHEMA)).unwrap();
    assert!(
        printed == committed,
        "`docket schema` differs from {COMMITTED_SCHEMA}; regenerate it with \
         `cargo run -- schema > {COMMITTED_SCHEMA}`"
    );
    assert_eq!(committed_schema(), docket::schema::ruleset_schema());
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let schema = committed_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::meta::validate(&schema).expect("the schema is valid against its meta-schema");
}

#[test]
fn the_schema_validates_every_shipped_rule_file() {
    let validator = jsonschema::validator_for(&committed_schema()).expect("a usable schema");
    let files = shipped_yaml_files();
    assert!(
        files.len() >= 10,
        "expected the USDA and DOC rule files, found {files:?}"
    );
    for file in files {
        let instance = yaml_as_json(&std::fs::read_to_string(&file).unwrap());
        let errors = schema_errors(&validator, &instance);
        assert!(
            errors.is_empty(),
            "{} does not validate:\n{}",
            file.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn the_schema_rejects_a_rule_file_with_an_unknown_key() {
    let validator = jsonschema::validator_for(&committed_schema()).unwrap();
    let text = std::fs::read_to_string(repo().join("rules/doc/ruleset.yaml")).unwrap();
    assert!(validator.is_valid(&yaml_as_json(&text)));

    // `withn` for `within` in the first deadline.
    let misspelt = text.replacen("    within: 1 hour", "    withn: 1 hour", 1);
    assert_ne!(misspelt, text, "the DOC rules have a `within: 1 hour`");
    let errors = schema_errors(&validator, &yaml_as_json(&misspelt));
    assert!(
        errors.iter().any(|e| e.contains("withn")),
        "expected an error naming `withn`, got {errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("within")),
        "expected the missing `within` to be reported too, got {errors:?}"
    );
}

#[test]
fn the_unknown_key_fixture_fails_schema_validation_too() {
    let validator = jsonschema::validator_for(&committed_schema()).unwrap();
    let text =
        std::fs::read_to_string(repo().join("fixtures/check/unknown-key/ruleset.yaml")).unwrap();
    let errors = schema_errors(&validator, &yaml_as_json(&text));
    assert!(
        errors.iter().any(|e| e.contains("citaton")),
        "expected an error naming `citaton`, got {errors:?}"
    );
}

#[test]
fn every_shipped_rule_file_starts_with_the_schema_modeline() {
    for file in shipped_yaml_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            MODELINE,
            "{} must start with the yaml-language-server line",
            file.display()
        );
        let target = first.split_once("$schema=").unwrap().1;
        let resolved = file.parent().unwrap().join(target);
        assert_eq!(
            resolved.canonicalize().unwrap(),
            repo().join(COMMITTED_SCHEMA).canonicalize().unwrap(),
            "the modeline of {} must point at the committed schema",
            file.display()
        );
    }
}

//! `docket explain` end to end: the README's Thanksgiving example, the JSON
//! form, how a record is named, and records that have no outcome.
//!
//! Commands run with the repository root as their current directory, so the
//! paths in the output are stable.

use serde_json::Value;

mod common;
use common::{Run, docket};

const COMPLAINTS: &str = "fixtures/classify/complaints.csv";

fn explain(args: &[&str]) -> Run {
    Run::of(docket().arg("explain").args(args))
}

fn explained(args: &[&str]) -> String {
    let run = explain(args);
    assert_eq!(run.code, 0, "explain {args:?} failed:\n{}", run.stderr);
    run.stdout
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&explained(&all)).expect("one JSON document")
}

fn lines(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

/// The ids of the rules whose `key` (`matched`, `decided`) is true.
fn rules_where<'a>(rules: &'a Value, key: &str) -> Vec<&'a str> {
    rules
        .as_array()
        .expect("a list of rules")
        .iter()
        .filter(|r| r[key] == true)
        .map(|r| r["id"].as_str().expect("an id"))
        .collect()
}

#[test]
fn the_thanksgiving_example_shows_every_test_and_the_working_days_counted_and_skipped() {
    let text = explained(&[COMPLAINTS, "--record", "C-4"]);
    insta::assert_snapshot!("explain_c4_thanksgiving", text);
    // The part of it the README quotes.
    assert!(
        text.contains(
            "\
due:
  due by 2026-12-01T23:59:59-05:00
  3 working days from occurred_at 2026-11-25T10:00:00-05:00 (USDA 3b(3) (\"investigated within three working days after the event occurs\"))
  working days counted: Fri 2026-11-27, Mon 2026-11-30, Tue 2026-12-01; due at the end of the last one
  skipped Thu 2026-11-26: Thanksgiving Day
  skipped Sat 2026-11-28: Saturday
  skipped Sun 2026-11-29: Sunday
"
        ),
        "{text}"
    );
    assert!(text.contains(
        "  => low.scan-probe [low] USDA 3b(3)\n      ✓ category = scan-probe  (saw scan-probe)\n"
    ));
    assert!(text.contains("agency: FS — dst_ip 199.130.5.5 is in 199.130.0.0/16"));
}

#[test]
fn the_json_form_carries_the_same_explanation() {
    let doc = json(&[COMPLAINTS, "--record", "C-4"]);
    assert_eq!(doc["record"], "C-4");
    assert_eq!(doc["origin"], "fixtures/classify/complaints.csv:5");
    assert_eq!(doc["level"], "low");
    assert_eq!(doc["declared"], "no");
    assert_eq!(doc["incident_number"], Value::Null);
    assert_eq!(doc["flags"], serde_json::json!([]));
    assert!(
        doc["fields"]
            .as_array()
            .expect("fields")
            .contains(&serde_json::json!(["category", "scan-probe"]))
    );
    assert!(
        doc["agency"]
            .as_str()
            .expect("agency")
            .starts_with("FS — dst_ip 199.130.5.5 is in 199.130.0.0/16")
    );

    assert_eq!(rules_where(&doc["criteria"], "matched"), ["low.scan-probe"]);
    assert_eq!(rules_where(&doc["criteria"], "decided"), ["low.scan-probe"]);
    let decided = doc["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["decided"] == true)
        .expect("a deciding criterion");
    assert_eq!(
        decided["condition"],
        serde_json::json!({"test": "category = scan-probe", "verdict": true, "saw": "scan-probe"})
    );
    assert_eq!(
        rules_where(&doc["triggers"], "matched"),
        ["withhold.3b-adverse-event"]
    );
    assert_eq!(
        rules_where(&doc["triggers"], "decided"),
        ["withhold.3b-adverse-event"]
    );
    let criteria = doc["criteria"].as_array().expect("criteria").len();
    assert!(
        criteria > 40,
        "every criterion is listed, not only the matching ones"
    );

    let due = lines(&doc["due"]);
    assert_eq!(due[0], "due by 2026-12-01T23:59:59-05:00");
    assert_eq!(
        due[2],
        "working days counted: Fri 2026-11-27, Mon 2026-11-30, Tue 2026-12-01; due at the end of the last one"
    );
    assert_eq!(
        &due[3..],
        [
            "skipped Thu 2026-11-26: Thanksgiving Day",
            "skipped Sat 2026-11-28: Saturday",
            "skipped Sun 2026-11-29: Sunday",
        ]
    );
}

#[test]
fn a_record_that_does_not_exist_exits_1_naming_it() {
    let run = explain(&[COMPLAINTS, "--record", "C-9"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr.trim_end(),
        "error: no record `C-9` in fixtures/classify/complaints.csv"
    );
}

#[test]
fn a_record_is_found_by_its_id_its_file_and_line_or_its_line_number() {
    let by_id = explained(&[COMPLAINTS, "--record", "C-4"]);
    let by_origin = explained(&[COMPLAINTS, "--record", "fixtures/classify/complaints.csv:5"]);
    let by_line = explained(&[COMPLAINTS, "--record", "5"]);
    assert_eq!(by_origin, by_id);
    assert_eq!(by_line, by_id);
}

#[test]
fn without_record_the_first_record_is_explained() {
    let doc = json(&[COMPLAINTS]);
    assert_eq!(doc["record"], "C-1");
    assert_eq!(doc["level"], "high");
    assert_eq!(doc["declared"], "yes");
    assert_eq!(
        rules_where(&doc["triggers"], "decided"),
        ["declare.3b1-high-level"]
    );
    assert!(
        doc["incident_number"]
            .as_str()
            .is_some_and(|n| n.starts_with("ITN-")),
        "a declared record has its incident number"
    );
    assert_eq!(lines(&doc["due"])[0], "due by 2026-11-02T10:00:00-05:00");
}

#[test]
fn a_record_in_the_100000_dollar_gap_is_explained_with_its_flag_and_no_due_time() {
    let doc = json(&[COMPLAINTS, "--record", "C-3"]);
    assert_eq!(doc["level"], "unclassified");
    assert!(rules_where(&doc["criteria"], "matched").is_empty());
    let flags = lines(&doc["flags"]);
    assert_eq!(
        flags,
        [
            "gap: loss_usd exactly 100000 is covered by neither high.property-destruction nor medium.property-destruction (USDA 3b(1); USDA 3b(2))"
        ]
    );
    assert!(lines(&doc["due"])[0].starts_with("no due time"));
    let high = doc["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == "high.property-destruction")
        .expect("the high criterion");
    let loss = &high["condition"]["parts"][1];
    assert_eq!(loss["verdict"], false);
    assert_eq!(loss["saw"], "100000");
}

#[test]
fn a_declaration_conflict_shows_both_triggers_and_no_deciding_one() {
    let doc = json(&[COMPLAINTS, "--record", "C-5"]);
    assert_eq!(doc["declared"], "review");
    assert_eq!(
        rules_where(&doc["triggers"], "matched"),
        ["declare.3a2-us-cert", "withhold.3b-adverse-event"]
    );
    assert!(rules_where(&doc["triggers"], "decided").is_empty());
    assert_eq!(
        lines(&doc["flags"]),
        [
            "conflict: declaring is required by declare.3a2-us-cert and forbidden by withhold.3b-adverse-event"
        ]
    );
}

#[test]
fn an_ids_alert_is_explained_with_its_mapped_fields_and_nested_prefix() {
    let doc = json(&["fixtures/classify/suricata-eve.json", "--record", "6"]);
    assert_eq!(doc["record"], "fixtures/classify/suricata-eve.json:6");
    let fields = doc["fields"].as_array().expect("fields");
    for pair in [
        ["source", "ids"],
        ["signature", "ET TROJAN Cobalt Strike Beacon Observed"],
        ["category", "malware-unconfirmed"],
        ["ids_rating", "high-external"],
    ] {
        assert!(
            fields.contains(&serde_json::json!(pair)),
            "{pair:?} in {fields:?}"
        );
    }
    assert!(
        doc["agency"]
            .as_str()
            .expect("agency")
            .starts_with("FSIS — src_ip 199.141.10.9 is in 199.141.10.0/24"),
        "the /24 of FSIS inside AMS's /16: {}",
        doc["agency"]
    );
    assert_eq!(lines(&doc["due"])[0], "due by 2026-11-24T15:30:00-05:00");
}

#[test]
fn a_rejected_record_is_shown_with_its_reason() {
    let text = explained(&["fixtures/classify/rejects.csv", "--record", "R-2"]);
    assert_eq!(
        text,
        "record fixtures/classify/rejects.csv:4 is rejected: field `dst_ip`: `199.130.5.300` is not an IP address\n  R-2,2026-03-02 10:15,ids,scan-probe,203.0.113.9,199.130.5.300,,\n"
    );
    let by_line = explained(&["fixtures/classify/rejects.csv", "--record", "7"]);
    assert!(
        by_line.starts_with(
            "record fixtures/classify/rejects.csv:7 is rejected: expected 8 columns (as the header has), found 9"
        ),
        "{by_line}"
    );
}

#[test]
fn a_rejected_or_skipped_record_in_json_is_still_one_json_document() {
    let rejected = json(&["fixtures/classify/rejects.csv", "--record", "R-2"]);
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["origin"], "fixtures/classify/rejects.csv:4");
    assert_eq!(
        rejected["reason"],
        "field `dst_ip`: `199.130.5.300` is not an IP address"
    );
    let skipped = json(&["fixtures/classify/suricata-eve.json", "--record", "2"]);
    assert_eq!(skipped["status"], "skipped");
    assert_eq!(skipped["reason"], "event_type flow");
}

#[test]
fn a_skipped_suricata_event_is_said_to_be_skipped() {
    let text = explained(&["fixtures/classify/suricata-eve.json", "--record", "3"]);
    assert_eq!(
        text,
        "record fixtures/classify/suricata-eve.json:3 is skipped: event_type dns\n"
    );
}

#[test]
fn a_missing_input_exits_2() {
    let run = explain(&["fixtures/classify/no-such-file.csv", "--record", "C-1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("fixtures/classify/no-such-file.csv: No such file or directory"),
        "{}",
        run.stderr
    );
}

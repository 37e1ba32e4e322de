//! `docket classify` end to end: every reader on its fixture, every category
//! code and declaration reason of the USDA rules, the worked cases,
//! the real IDS samples in `../shared/realdata/`, rejects, inputs, agencies
//! and outputs.
//!
//! Every command runs with the repository root as its current directory, so
//! the paths in the output (`fixtures/classify/x.json:4`) are stable.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{Run, Summary, parse_csv, repo, run as docket, summary};

const FIXTURES: &str = "fixtures/classify";
const REALDATA: &str = "../shared/realdata";

/// The columns of the real Snort samples (see the README).
const HONEYPOT_COLUMNS: &str = "timestamp,proto,msg,src,srcport,dst,dstport";
const CICIDS_COLUMNS_10: &str =
    "seconds,timestamp,src_addr,src_port,dst_addr,dst_port,proto,gid,sid,msg";
const CICIDS_COLUMNS_9: &str = "seconds,src_addr,src_port,dst_addr,dst_port,proto,gid,sid,msg";
/// The layout of `snort3-custom.csv`.
const CUSTOM_COLUMNS: &str =
    "seconds,src_addr,src_port,dst_addr,dst_port,proto,gid,sid,priority,class,msg";

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn realdata(name: &str) -> PathBuf {
    let path = repo().join(REALDATA).join(name);
    assert!(
        path.is_file(),
        "the real IDS sample {} is missing; these tests read ../shared/realdata next to the repository",
        path.display()
    );
    path
}

fn docket_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::cargo_bin("docket").expect("the docket binary is built");
    command.current_dir(dir).args(args);
    if let Some(input) = stdin {
        command.write_stdin(input.to_owned());
    }
    Run::of(&mut command)
}

fn classify(args: &[&str]) -> Run {
    let mut all = vec!["classify"];
    all.extend_from_slice(args);
    let run = docket(&all);
    assert_eq!(run.code, 0, "classify {args:?} failed:\n{}", run.stderr);
    run
}

fn classify_stdin(args: &[&str], input: &str) -> Run {
    let mut all = vec!["classify"];
    all.extend_from_slice(args);
    let run = docket_in(repo(), &all, Some(input));
    assert_eq!(run.code, 0, "classify {args:?} failed:\n{}", run.stderr);
    run
}

/// The rows of `--format jsonl` output.
fn rows(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each output line is a JSON object"))
        .collect()
}

fn text<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string in {row}"))
}

fn strings(row: &Value, key: &str) -> Vec<String> {
    row[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list in {row}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

fn row_by_id<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

fn write_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).expect("a temporary file");
    file.write_all(contents.as_bytes()).expect("written");
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

// ---------------------------------------------------------------------------
// Readers, one fixture each
// ---------------------------------------------------------------------------

#[test]
fn the_readme_example_classifies_the_complaints_fixture_as_documented() {
    let run = classify(&[&fixture("complaints.csv")]);
    assert_eq!(
        run.stdout,
        "\
id,occurred_at,agency,level,category,signature,declared,trigger,rule,citation,due_by,flags
C-1,2026-11-02T09:15:00-05:00,,high,property-destruction,,yes,declare.3b1-high-level,high.property-destruction,USDA 3b(1),2026-11-02T10:00:00-05:00,
C-2,2026-11-02T11:00:00-05:00,,medium,property-destruction,,no,withhold.3b-adverse-event,medium.property-destruction,USDA 3b(2),2026-11-02T15:00:00-05:00,
C-3,2026-11-03T08:30:00-05:00,,unclassified,property-destruction,,yes,declare.3a9-self-discovery,,,,gap: loss_usd exactly 100000 is covered by neither high.property-destruction nor medium.property-destruction (USDA 3b(1); USDA 3b(2))
C-4,2026-11-25T10:00:00-05:00,FS,low,scan-probe,,no,withhold.3b-adverse-event,low.scan-probe,USDA 3b(3),2026-12-01T23:59:59-05:00,
C-5,2026-11-04T14:00:00-05:00,FS,low,scan-probe,,review,,low.scan-probe,USDA 3b(3),2026-11-09T23:59:59-05:00,conflict: declaring is required by declare.3a2-us-cert and forbidden by withhold.3b-adverse-event
"
    );
    assert_eq!(
        run.stderr.trim_end(),
        "read 5: classified 5 (high 1, medium 1, low 2, unclassified 1); declared 2, review 1, in a policy gap 1, missing a deciding value 0; unallocated 0; rejected 0; skipped 0"
    );
}

#[test]
fn canonical_json_lines_are_read_by_key_with_nulls_absent_and_blank_lines_ignored() {
    let run = classify(&["--format", "jsonl", &fixture("canonical.jsonl")]);
    let rows = rows(&run.stdout);
    let origins: Vec<&str> = rows.iter().map(|r| text(r, "origin")).collect();
    assert_eq!(
        origins,
        [
            "fixtures/classify/canonical.jsonl:1",
            "fixtures/classify/canonical.jsonl:2",
            "fixtures/classify/canonical.jsonl:4",
            "fixtures/classify/canonical.jsonl:5",
            "fixtures/classify/canonical.jsonl:6",
        ],
        "the blank line 3 is no record and later records keep their own line"
    );
    let outcome = |id: &str| {
        let r = row_by_id(&rows, id);
        (
            text(r, "level").to_owned(),
            text(r, "declared").to_owned(),
            text(r, "trigger").to_owned(),
            text(r, "agency").to_owned(),
        )
    };
    // BSA is a copyright organisation: USDA 3a(6).
    assert_eq!(
        outcome("J-1"),
        (
            "high".into(),
            "yes".into(),
            "declare.3a6-copyright".into(),
            "FSA".into()
        )
    );
    // `"reporter": null` is absent, not the text "null".
    assert_eq!(
        outcome("J-2"),
        (
            "low".into(),
            "no".into(),
            "withhold.3b-adverse-event".into(),
            String::new()
        )
    );
    // A JSON number for uscert_priority, an IPv6 address in FS's /40.
    assert_eq!(
        outcome("J-3"),
        ("medium".into(), "review".into(), String::new(), "FS".into())
    );
    assert_eq!(
        text(row_by_id(&rows, "J-3"), "agency_prefix"),
        "2600:1200:100::/40"
    );
    // JSON booleans and numbers for specific_examples and loss_usd.
    assert_eq!(
        outcome("J-4"),
        (
            "high".into(),
            "yes".into(),
            "declare.3a8-complaint".into(),
            String::new()
        )
    );
    assert_eq!(
        text(row_by_id(&rows, "J-4"), "due_by"),
        "2026-11-05T16:30:00-05:00",
        "high is due immediately, at reported_at"
    );
    assert_eq!(
        outcome("J-5"),
        (
            "high".into(),
            "yes".into(),
            "declare.3a7-outbreak".into(),
            "RD".into()
        )
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.rejected, s.skipped), (5, 5, 0, 0));
}

#[test]
fn suricata_eve_lines_classify_alerts_and_count_other_events_as_skipped() {
    let run = classify(&["--format", "jsonl", &fixture("suricata-eve.json")]);
    let rows = rows(&run.stdout);
    let got: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                text(r, "id").to_owned(),
                text(r, "agency").to_owned(),
                text(r, "level").to_owned(),
                text(r, "category").to_owned(),
            )
        })
        .collect();
    let want = [
        ("1", "FS", "low", "scan-probe"),
        ("4", "ARS", "high", "break-in"),
        ("6", "FSIS", "medium", "malware-unconfirmed"),
        ("8", "RD", "low", "misuse-minor"),
        // Tor traffic keeps its rating only (severity 2: medium): the
        // signature does not say that a USDA user circumvented a block.
        ("9", "FS", "medium", ""),
        ("11", "APHIS", "unclassified", ""),
    ]
    .map(|(line, agency, level, category)| {
        (
            format!("fixtures/classify/suricata-eve.json:{line}"),
            agency.to_owned(),
            level.to_owned(),
            category.to_owned(),
        )
    });
    assert_eq!(got, want);
    // Suricata writes offsets without a colon; times come out in the ruleset's zone.
    assert_eq!(text(&rows[0], "occurred_at"), "2026-11-24T09:12:03-05:00");
    let s = summary(&run.stderr);
    assert_eq!(
        (s.read, s.classified, s.skipped, s.rejected),
        (12, 6, 6, 0),
        "flow, dns, http, stats, fileinfo and anomaly events are skipped, not lost"
    );
}

#[test]
fn suricata_eve_as_one_json_array_is_read_element_by_element() {
    let run = classify(&["--format", "jsonl", &fixture("suricata-eve-array.json")]);
    let rows = rows(&run.stdout);
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                text(r, "origin"),
                text(r, "agency"),
                text(r, "level"),
                text(r, "rule"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "fixtures/classify/suricata-eve-array.json:2",
                "FNS",
                "high",
                "high.p2p"
            ),
            (
                "fixtures/classify/suricata-eve-array.json:38",
                "APHIS",
                "high",
                "high.misuse-unauthorized-service"
            ),
            (
                "fixtures/classify/suricata-eve-array.json:57",
                "ERS",
                "high",
                "high.break-in"
            ),
            (
                "fixtures/classify/suricata-eve-array.json:76",
                "unallocated",
                "medium",
                "medium.ids-medium"
            ),
        ],
        "each element is named by the line its object starts on"
    );
    // Severity 2 is an IDS report that defines the activity as medium
    // (USDA 3b(2)), which outranks the low scan it maps to.
    assert_eq!(
        strings(&rows[3], "matches"),
        ["medium.ids-medium", "low.scan-probe"]
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.skipped), (5, 4, 1));
}

/// One Suricata alert line with this signature, classtype and severity.
fn eve_alert(signature: &str, classtype: &str, severity: u32) -> String {
    serde_json::json!({
        "timestamp": "2026-11-24T09:12:03.481220-0500",
        "event_type": "alert",
        "src_ip": "198.51.100.23",
        "dest_ip": "199.130.5.5",
        "alert": {"signature": signature, "category": classtype, "severity": severity},
    })
    .to_string()
}

#[test]
fn ids_signature_names_decide_before_classtypes_and_some_signatures_keep_their_rating_only() {
    // (signature, classtype, severity) => (level, category)
    #[rustfmt::skip]
    let cases = [
        // A signature's name wins over its classtype.
        ("ET SCAN Possible Nmap User-Agent Observed", "Web Application Attack", 1, "low", "scan-probe"),
        ("ET POLICY curl User-Agent Outbound", "Attempted Information Leak", 2, "medium", "misuse-minor"),
        // Root compromise only when the response shows root or the rule
        // classes it a successful administrator privilege gain.
        ("GPL ATTACK_RESPONSE id check returned root", "Potentially Bad Traffic", 2, "high", "root-compromise"),
        ("ET ATTACK_RESPONSE Windows 7 CMD Shell from Local System", "Successful Administrator Privilege Gain", 1, "high", "root-compromise"),
        ("ET ATTACK_RESPONSE Net User Command Response", "Successful User Privilege Gain", 1, "high", "break-in"),
        // Attack responses that show no compromise keep their rating, even
        // with a classtype a fallback would map.
        ("GPL ATTACK_RESPONSE 403 Forbidden", "Attempted Information Leak", 2, "medium", ""),
        ("ATTACK-RESPONSES 403 Forbidden", "attempted-recon", 3, "unclassified", ""),
        ("GPL ATTACK_RESPONSE directory listing", "Attempted Information Leak", 2, "medium", ""),
        ("INDICATOR-COMPROMISE Suspicious .cn dns query", "trojan-activity", 1, "unclassified", ""),
        // A DoS attempt and a weak cipher are not break-ins.
        ("ET WEB_SERVER Possible IIS Integer Overflow DoS (CVE-2015-1635)", "Web Application Attack", 1, "unclassified", ""),
        ("ET DOS Possible NTP DDoS Inbound Frequent Un-Authed MON_LIST Requests IMPL 0x03", "Attempted Denial of Service", 2, "medium", ""),
        ("ET EXPLOIT FREAK Weak Export Suite From Server (CVE-2015-0204)", "Potentially Bad Traffic", 2, "medium", ""),
        // Tor, whichever way it goes, keeps its rating only.
        ("ET TOR Known Tor Exit Node Traffic group 50", "Misc Attack", 2, "medium", ""),
        ("ET POLICY DNS Query for TOR Hidden Domain .onion Accessible Via TOR", "Potential Corporate Privacy Violation", 1, "unclassified", ""),
        ("ET POLICY TLS possible TOR SSL traffic", "Misc activity", 3, "unclassified", ""),
        // Snort 2 and Snort 3 prefixes.
        ("PUA-P2P BitTorrent announce request", "policy-violation", 2, "high", "p2p"),
        ("P2P GNUTella client request", "policy-violation", 3, "high", "p2p"),
        ("EXPLOIT-KIT Angler exploit kit landing page detected", "trojan-activity", 1, "high", "break-in"),
        ("EXPLOIT ISAKMP first payload certificate request length overflow attempt", "attempted-admin", 1, "high", "break-in"),
        ("WEB-ATTACKS /bin/ps command attempt", "web-application-attack", 1, "high", "break-in"),
        ("CHAT IRC nick change", "policy-violation", 3, "high", "misuse-unauthorized-service"),
        ("PORN free XXX", "policy-violation", 3, "high", "pornography"),
        // Classtypes still decide for signatures no name rule knows.
        ("ET NETBIOS Microsoft Windows NETAPI Stack Overflow Inbound - MS08-067 (15)", "Attempted Administrator Privilege Gain", 1, "high", "break-in"),
        // Suricata priorities run to 255: 4 and above are low, never rejected.
        ("ET INFO Some informational signature", "Misc activity", 4, "unclassified", ""),
        ("ET SCAN Something at priority 5", "Misc activity", 5, "low", "scan-probe"),
        ("ET SCAN Something at priority 255", "Misc activity", 255, "low", "scan-probe"),
    ];
    let input: String = cases
        .iter()
        .map(|(signature, classtype, severity, ..)| {
            eve_alert(signature, classtype, *severity) + "\n"
        })
        .collect();
    let run = classify_stdin(
        &["--format", "jsonl", "--input-format", "suricata", "-"],
        &input,
    );
    let rows = rows(&run.stdout);
    assert_eq!(rows.len(), cases.len(), "{}", run.stderr);
    for (row, (signature, _, severity, level, category)) in rows.iter().zip(&cases) {
        assert_eq!(
            (text(row, "level"), text(row, "category")),
            (*level, *category),
            "{signature} (severity {severity})"
        );
    }
    let s = summary(&run.stderr);
    assert_eq!((s.rejected, s.classified), (0, cases.len() as u64));
}

#[test]
fn snort3_default_layout_reads_addresses_from_address_and_port_columns() {
    let run = classify(&["--format", "jsonl", &fixture("snort3-default.csv")]);
    let rows = rows(&run.stdout);
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                text(r, "occurred_at"),
                text(r, "agency"),
                r["agency_address"].as_str().unwrap_or(""),
                text(r, "level"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "2026-11-24T09:12:03-05:00",
                "FS",
                "199.130.5.5",
                "unclassified"
            ),
            (
                "2026-11-24T09:12:03-05:00",
                "FS",
                "199.130.5.6",
                "unclassified"
            ),
            (
                "2026-11-24T10:02:17-05:00",
                "ARS",
                "199.134.20.5",
                "unclassified"
            ),
            (
                "2026-11-24T11:30:00-05:00",
                "FSIS",
                "199.141.10.9",
                "unclassified"
            ),
            (
                "2026-11-24T13:07:41-05:00",
                "unallocated",
                "",
                "unclassified"
            ),
        ],
        "the default Snort 3 layout has no message or priority, so nothing maps to a category"
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.unallocated), (5, 5, 1));
}

#[test]
fn snort_columns_give_a_custom_layout_with_message_priority_and_class() {
    let run = classify(&[
        "--format",
        "jsonl",
        "--snort-columns",
        CUSTOM_COLUMNS,
        &fixture("snort3-custom.csv"),
    ]);
    let rows = rows(&run.stdout);
    let got: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                text(r, "occurred_at"),
                text(r, "agency"),
                text(r, "level"),
                text(r, "category"),
                text(r, "declared"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2026-11-24T09:12:03-05:00", "FS", "low", "scan-probe", "no"),
            ("2026-11-24T09:40:51-05:00", "FSIS", "high", "p2p", "yes"),
            (
                "2026-11-24T10:02:17-05:00",
                "ARS",
                "high",
                "root-compromise",
                "yes"
            ),
            (
                "2026-11-24T11:30:00-05:00",
                "FSIS",
                "medium",
                "malware-unconfirmed",
                "no"
            ),
            (
                "2026-11-24T13:45:09-05:00",
                "RD",
                "low",
                "misuse-minor",
                "no"
            ),
            (
                "2026-11-24T16:05:33-05:00",
                "NRCS",
                "unclassified",
                "",
                "no"
            ),
        ]
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.rejected), (6, 6, 0));
}

#[test]
fn snort_rows_that_fit_no_layout_are_rejected_naming_the_column_counts() {
    let run = classify(&[&fixture("snort3-custom.csv")]);
    assert_eq!(
        run.stdout,
        "id,occurred_at,agency,level,category,signature,declared,trigger,rule,citation,due_by,flags\n"
    );
    assert!(
        run.stderr.contains(
            "rejected fixtures/classify/snort3-custom.csv:1: row has 11 columns; the Snort layouts have 10 or 27 (set them with --snort-columns)"
        ),
        "{}",
        run.stderr
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.rejected), (6, 0, 6));
}

#[test]
fn a_snort_timestamp_without_a_year_is_rejected_not_guessed() {
    // Snort 3 writes `MM/DD-HH:MM:SS.f` unless told to show the year.
    let line = "11/24-09:12:03.481220, 1021, TCP, raw, 60, C2S, 198.51.100.23:44321, 199.130.5.5:22, 1:1000001:1, allow\n";
    let run = classify_stdin(&["--input-format", "snort", "-"], line);
    assert!(
        run.stderr.contains(
            "rejected <stdin>:1: field `occurred_at`: `11/24-09:12:03.481220` is not a timestamp"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(summary(&run.stderr).rejected, 1);
}

// ---------------------------------------------------------------------------
// Every category code and every declaration reason of rules/usda
// ---------------------------------------------------------------------------

const EVERY_CATEGORY: &str = "fixtures/classify/every-category.csv";

#[test]
fn every_category_and_declaration_reason_classifies_as_the_policy_says_csv() {
    let run = classify(&[EVERY_CATEGORY]);
    insta::assert_snapshot!("every_category_csv", run.stdout);
    let s = summary(&run.stderr);
    assert_eq!(
        s,
        Summary {
            read: 53,
            classified: 53,
            levels: [("high", 30), ("medium", 9), ("low", 9), ("unclassified", 5)]
                .map(|(l, n)| (l.to_owned(), n))
                .into(),
            declared: 35,
            review: 2,
            in_gap: 2,
            missing_value: 0,
            unallocated: 1,
            rejected: 0,
            skipped: 0,
        }
    );
}

#[test]
fn every_category_and_declaration_reason_classifies_as_the_policy_says_jsonl() {
    let run = classify(&["--format", "jsonl", EVERY_CATEGORY]);
    insta::assert_snapshot!("every_category_jsonl", run.stdout);
}

#[test]
fn the_every_category_fixture_covers_every_code_criterion_and_trigger_of_the_rules() {
    let ruleset = match docket::ruleset::load(&repo().join("rules/usda")) {
        Ok(r) => r,
        Err(_) => panic!("rules/usda loads"),
    };
    let category = ruleset
        .fields
        .iter()
        .find(|f| f.name.value == "category")
        .expect("a category field");
    let docket::ruleset::model::FieldType::Enum(spec) = &category.ty else {
        panic!("category is an enum");
    };
    let codes: BTreeSet<String> = spec.values.iter().map(|v| v.code.clone()).collect();
    assert_eq!(codes.len(), 33, "the vocabulary's 33 category codes");

    let run = classify(&["--format", "jsonl", EVERY_CATEGORY]);
    let rows = rows(&run.stdout);
    let seen_codes: BTreeSet<String> = rows
        .iter()
        .map(|r| text(r, "category").to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(seen_codes, codes, "every category code appears");

    let criteria: BTreeSet<String> = ruleset
        .criteria
        .iter()
        .map(|c| c.id.value.clone())
        .collect();
    let matched: BTreeSet<String> = rows.iter().flat_map(|r| strings(r, "matches")).collect();
    assert_eq!(matched, criteria, "every criterion matches some record");

    let triggers: BTreeSet<String> = ruleset
        .triggers
        .iter()
        .map(|t| t.id.value.clone())
        .collect();
    let fired: BTreeSet<String> = rows.iter().flat_map(|r| strings(r, "triggers")).collect();
    assert_eq!(fired, triggers, "every trigger fires for some record");
    let reasons: BTreeSet<&str> = triggers
        .iter()
        .filter(|t| t.starts_with("declare.3a"))
        .map(String::as_str)
        .collect();
    assert_eq!(reasons.len(), 9, "the nine reasons of USDA 3a");
    let deciding: BTreeSet<&str> = rows.iter().map(|r| text(r, "trigger")).collect();
    for reason in reasons {
        assert!(deciding.contains(reason), "{reason} decides some record");
    }
    for level in ["high", "medium", "low", "unclassified"] {
        assert!(
            rows.iter().any(|r| r["level"] == level),
            "some record is {level}"
        );
    }
    for declared in ["yes", "no", "review"] {
        assert!(
            rows.iter().any(|r| r["declared"] == declared),
            "some record is declared {declared}"
        );
    }
}

// ---------------------------------------------------------------------------
// The "Done when" cases
// ---------------------------------------------------------------------------

fn one_complaint(row: &str) -> BTreeMap<String, String> {
    let input = format!("id,occurred_at,reported_at,source,category,loss_usd\n{row}\n");
    let run = classify_stdin(&["-"], &input);
    let mut rows = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 1, "{}", run.stdout);
    rows.remove(0)
}

#[test]
fn property_destruction_of_150000_dollars_is_high_and_declared() {
    let row =
        one_complaint("P-1,2026-11-02 09:15,2026-11-02 10:00,public,property-destruction,150000");
    assert_eq!(row["level"], "high");
    assert_eq!(row["declared"], "yes");
    assert_eq!(row["trigger"], "declare.3b1-high-level");
    assert_eq!(row["rule"], "high.property-destruction");
    assert_eq!(row["citation"], "USDA 3b(1)");
    assert_eq!(
        row["due_by"], "2026-11-02T10:00:00-05:00",
        "immediately, at reported_at"
    );
    assert_eq!(row["flags"], "");
}

#[test]
fn property_destruction_of_50000_dollars_is_medium_and_not_declared() {
    let row = one_complaint("P-2,2026-11-02 11:00,,employee,property-destruction,\"$50,000\"");
    assert_eq!(row["level"], "medium");
    assert_eq!(row["declared"], "no");
    assert_eq!(row["trigger"], "withhold.3b-adverse-event");
    assert_eq!(row["rule"], "medium.property-destruction");
    assert_eq!(row["citation"], "USDA 3b(2)");
    assert_eq!(
        row["due_by"], "2026-11-02T15:00:00-05:00",
        "4 hours after reported_at"
    );
}

#[test]
fn property_destruction_of_exactly_100000_dollars_is_flagged_as_a_gap_not_placed() {
    let input = "id,occurred_at,source,category,loss_usd\nP-3,2026-11-03 08:30,self,property-destruction,100000.00\n";
    let run = classify_stdin(&["-"], input);
    let rows = parse_csv(&run.stdout);
    let row = &rows[0];
    assert_eq!(row["level"], "unclassified");
    // A self-discovery is declared whatever its level (USDA 3a(9)); with no
    // level, no 3b withholding applies. The gap flag still stops it silently
    // passing as placed.
    assert_eq!(row["declared"], "yes");
    assert_eq!(row["rule"], "");
    assert_eq!(row["trigger"], "declare.3a9-self-discovery");
    assert_eq!(row["due_by"], "");
    assert_eq!(
        row["flags"],
        "gap: loss_usd exactly 100000 is covered by neither high.property-destruction nor medium.property-destruction (USDA 3b(1); USDA 3b(2))"
    );
    let s = summary(&run.stderr);
    assert_eq!(
        (s.classified, s.in_gap, s.levels["unclassified"]),
        (1, 1, 1)
    );
}

#[test]
fn a_low_event_on_the_wednesday_before_thanksgiving_is_due_at_the_end_of_the_following_tuesday() {
    let input = "id,occurred_at,source,category\nT-1,2026-11-25 10:00,helpdesk,scan-probe\n";
    let run = classify_stdin(&["-"], input);
    let rows = parse_csv(&run.stdout);
    assert_eq!(rows[0]["level"], "low");
    assert_eq!(rows[0]["due_by"], "2026-12-01T23:59:59-05:00");
}

fn incident_numbers(csv: &str) -> BTreeMap<String, String> {
    let run = classify_stdin(&["--format", "jsonl", "-"], csv);
    rows(&run.stdout)
        .iter()
        .filter_map(|r| {
            r["incident_number"]
                .as_str()
                .map(|n| (text(r, "id").to_owned(), n.to_owned()))
        })
        .collect()
}

#[test]
fn records_of_one_worm_outbreak_share_one_incident_number_deterministically() {
    let header = "id,occurred_at,source,category,av_available,malware_name,src_ip\n";
    let outbreak = format!(
        "{header}\
W-1,2026-10-07 06:15,self,malware-no-av,,Slammer,199.135.2.2\n\
W-2,2026-10-07 06:40,ids,malware-no-av,,slammer,168.68.9.9\n\
W-3,2026-10-07 07:05,helpdesk,malware,false,SLAMMER,199.130.1.1\n\
W-4,2026-10-07 10:20,helpdesk,malware,false,Blaster,147.49.12.1\n\
W-5,2026-10-07 11:00,helpdesk,break-in,,,199.130.1.2\n\
W-6,2026-10-07 11:30,helpdesk,break-in,,,199.130.1.3\n"
    );
    let numbers = incident_numbers(&outbreak);
    assert_eq!(numbers.len(), 6, "every record is declared: {numbers:?}");
    assert_eq!(
        numbers["W-1"], numbers["W-2"],
        "one number for the Slammer outbreak"
    );
    assert_eq!(
        numbers["W-1"], numbers["W-3"],
        "the worm's name is compared without case"
    );
    assert_ne!(
        numbers["W-1"], numbers["W-4"],
        "Blaster is another outbreak"
    );
    assert_ne!(
        numbers["W-5"], numbers["W-6"],
        "other incidents get one number each"
    );
    assert!(
        numbers
            .values()
            .all(|n| n.starts_with("ITN-") && n.len() == 14),
        "{numbers:?}"
    );

    let again = incident_numbers(&outbreak);
    assert_eq!(numbers, again, "a second run gives the same numbers");
    let alone = incident_numbers(&format!(
        "{header}W-2,2026-10-07 06:40,ids,malware-no-av,,slammer,168.68.9.9\n"
    ));
    assert_eq!(
        alone["W-2"], numbers["W-2"],
        "the outbreak's number does not depend on the other records of the input"
    );

    // One outbreak is one worm in one calendar year of `occurred_at`.
    let years = incident_numbers(&format!(
        "{header}\
Y-1,2026-01-02 08:00,self,malware-no-av,,Slammer,199.135.2.2\n\
Y-2,2026-12-31 23:30,helpdesk,malware-no-av,,Slammer,199.135.2.3\n\
Y-3,2029-01-25 08:00,helpdesk,malware-no-av,,Slammer,199.135.2.4\n"
    ));
    assert_eq!(years["Y-1"], years["Y-2"], "one outbreak in 2026");
    assert_ne!(
        years["Y-1"], years["Y-3"],
        "Slammer in 2029 is another outbreak"
    );
}

#[test]
fn two_declared_records_with_one_id_are_warned_about_since_they_share_an_incident_number() {
    let dir = tempfile::tempdir().unwrap();
    let row = "id,occurred_at,source,category\nC-1,2026-11-02 09:00,helpdesk,break-in\n";
    let a = write_file(dir.path(), "a.csv", row);
    let b = write_file(dir.path(), "b.csv", row);
    let run = classify(&["--format", "jsonl", path_str(&a), path_str(&b)]);
    let same = rows(&run.stdout);
    assert_eq!(same[0]["incident_number"], same[1]["incident_number"]);
    let number = text(&same[0], "incident_number");
    assert!(
        run.stderr.contains(&format!(
            "warning: {}:2: record `C-1` gets incident number {number}, already given to the record at {}:2: record ids must be unique across the inputs of a run",
            b.display(),
            a.display()
        )),
        "{}",
        run.stderr
    );
    // Records without an id are numbered by where they were read.
    let anonymous = "occurred_at,source,category\n2026-11-02 09:00,helpdesk,break-in\n";
    let c = write_file(dir.path(), "c.csv", anonymous);
    let d = write_file(dir.path(), "d.csv", anonymous);
    let run = classify(&["--format", "jsonl", path_str(&c), path_str(&d)]);
    let numbered = rows(&run.stdout);
    assert_ne!(
        numbered[0]["incident_number"],
        numbered[1]["incident_number"]
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn a_loss_without_its_amount_is_flagged_since_the_amount_decides_the_level() {
    let input = "id,occurred_at,source,category,loss_usd,referred_to\n\
P-1,2026-11-03 08:30,helpdesk,property-destruction,,\n\
P-2,2026-11-03 08:30,helpdesk,personal-theft,,\n\
P-3,2026-11-03 08:30,helpdesk,personal-theft,,oig\n\
P-4,2026-11-03 08:30,helpdesk,personal-theft,500,\n";
    let run = classify_stdin(&["-"], input);
    let rows = parse_csv(&run.stdout);
    assert_eq!(rows[0]["level"], "unclassified");
    assert_eq!(
        rows[0]["flags"],
        "missing: loss_usd decides between high.property-destruction and medium.property-destruction (USDA 3b(1); USDA 3b(2))"
    );
    assert_eq!(rows[1]["level"], "unclassified");
    assert_eq!(
        rows[1]["flags"],
        "missing: loss_usd decides between high.personal-theft and medium.personal-theft (USDA 3b(1); USDA 3b(2))"
    );
    // Referred to OIG it is high whatever the loss: the amount decides nothing.
    assert_eq!(
        (rows[2]["level"].as_str(), rows[2]["flags"].as_str()),
        ("high", "")
    );
    assert_eq!(
        (rows[3]["level"].as_str(), rows[3]["flags"].as_str()),
        ("medium", "")
    );
    // The summary counts them apart from the gaps: two questions for a person.
    let s = summary(&run.stderr);
    assert_eq!((s.missing_value, s.in_gap), (2, 0), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// Real data end to end
// ---------------------------------------------------------------------------

/// Counts `event_type: alert` records independently of docket.
fn count_eve_alerts(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("a readable sample");
    let events: Vec<Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(&text).expect("a JSON array")
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    };
    events.iter().filter(|e| e["event_type"] == "alert").count()
}

fn assert_every_suricata_alert_classified(name: &str) {
    let path = realdata(name);
    let alerts = count_eve_alerts(&path);
    assert!(alerts > 0, "{name} holds alerts");
    let run = classify(&["--format", "jsonl", path_str(&path)]);
    let rows = rows(&run.stdout);
    let s = summary(&run.stderr);
    assert_eq!(rows.len(), alerts, "one row per alert of {name}");
    assert_eq!(s.classified as usize, alerts, "{name}: {s:?}");
    assert_eq!(s.rejected, 0, "{name}: {}", run.stderr);
    assert!(rows.iter().all(|r| !text(r, "occurred_at").is_empty()));
}

#[test]
fn the_real_suricata_alert_array_is_classified_without_losing_an_alert() {
    assert_every_suricata_alert_classified("suricata_eve_alerts_wrccdc2018.json");
}

#[test]
fn the_real_suricata_event_lines_classify_every_alert_and_skip_the_rest() {
    let name = "suricata_eve_malware_pcap_2022-02-23.ndjson";
    assert_every_suricata_alert_classified(name);
    let path = realdata(name);
    let lines = std::fs::read_to_string(&path)
        .expect("readable")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count() as u64;
    let run = classify(&["--format", "jsonl", path_str(&path)]);
    let s = summary(&run.stderr);
    assert_eq!(s.read, lines, "every event is read");
    assert_eq!(
        s.skipped,
        lines - s.classified,
        "every other event is skipped"
    );
}

fn assert_every_snort_line_accounted(name: &str, columns: &[&str]) {
    let path = realdata(name);
    let lines = std::fs::read_to_string(&path)
        .expect("readable")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count() as u64;
    let mut args = vec!["--format", "jsonl"];
    for c in columns {
        args.extend(["--snort-columns", c]);
    }
    args.push(path_str(&path));
    let run = classify(&args);
    let s = summary(&run.stderr);
    assert_eq!(s.read, lines, "{name}: one record per line");
    assert_eq!(rows(&run.stdout).len() as u64, s.classified, "{name}");
    assert_eq!(s.skipped, 0, "{name}");
    assert_eq!(s.rejected, 0, "{name}: {}", run.stderr);
}

#[test]
fn the_real_snort_honeypot_export_accounts_for_every_line() {
    assert_every_snort_line_accounted(
        "snort_alert_csv_honeypot_2017-07-11.csv",
        &[HONEYPOT_COLUMNS],
    );
}

#[test]
fn the_real_snort3_export_with_mixed_layouts_accounts_for_every_line() {
    assert_every_snort_line_accounted(
        "snort3_alert_csv_cicids2017_tue.txt",
        &[CICIDS_COLUMNS_10, CICIDS_COLUMNS_9],
    );
}

// ---------------------------------------------------------------------------
// Rejects and strictness
// ---------------------------------------------------------------------------

const REJECTS: &str = "fixtures/classify/rejects.csv";

#[test]
fn bad_records_go_to_the_rejects_file_with_their_line_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rejects = dir.path().join("rejects.csv");
    let run = classify(&["--rejects", path_str(&rejects), REJECTS]);
    let ids: Vec<String> = parse_csv(&run.stdout)
        .into_iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(
        ids,
        ["R-1", "R-8"],
        "the good records before and after the bad ones"
    );
    let written = std::fs::read_to_string(&rejects).expect("the rejects file is written");
    insta::assert_snapshot!("rejects_file", written);

    let mut reader = csv::Reader::from_reader(written.as_bytes());
    assert_eq!(
        reader
            .headers()
            .expect("a header")
            .iter()
            .collect::<Vec<_>>(),
        ["file", "line", "reason", "raw"]
    );
    let lines: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            (
                r[1].to_owned(),
                r[2].split(':').next().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            // R-1's quoted note spans lines 2 and 3, so R-2 is on line 4.
            ("4".to_owned(), "field `dst_ip`".to_owned()),
            ("5".to_owned(), "field `occurred_at`".to_owned()),
            ("6".to_owned(), "field `category`".to_owned()),
            (
                "7".to_owned(),
                "expected 8 columns (as the header has), found 9".to_owned()
            ),
            ("8".to_owned(), "field `occurred_at`".to_owned()),
            ("9".to_owned(), "field `occurred_at`".to_owned()),
        ]
    );
    assert!(
        written.contains("does not exist in America/New_York"),
        "the DST gap"
    );
    assert!(
        written.contains("happens twice in America/New_York"),
        "the DST overlap"
    );

    assert!(
        !run.stderr.lines().any(|l| l.starts_with("rejected ")),
        "with --rejects, rejects are not repeated on stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: fixtures/classify/rejects.csv: ignoring a column that the ruleset does not define: `notes`"),
        "{}",
        run.stderr
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.rejected, s.skipped), (8, 2, 6, 0));
}

#[test]
fn without_a_rejects_file_rejects_are_shown_on_stderr() {
    let run = classify(&[REJECTS]);
    let shown: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("rejected "))
        .map(|l| l.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        shown,
        [4, 5, 6, 7, 8, 9].map(|n| format!("rejected fixtures/classify/rejects.csv:{n}"))
    );
    assert_eq!(summary(&run.stderr).rejected, 6);
}

#[test]
fn only_the_first_twenty_rejects_are_shown_on_stderr_and_the_rest_counted() {
    let mut input = String::from("id,occurred_at,category\n");
    for i in 0..25 {
        input.push_str(&format!("B-{i},2026-11-02 09:00,no-such-category\n"));
    }
    let run = classify_stdin(&["-"], &input);
    let shown = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("rejected "))
        .count();
    assert_eq!(shown, 20);
    assert!(
        run.stderr
            .contains("... and 5 more rejected records; write them all with --rejects FILE"),
        "{}",
        run.stderr
    );
    assert_eq!(summary(&run.stderr).rejected, 25);
}

#[test]
fn strict_stops_at_the_first_reject_with_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out.csv");
    let run = docket(&["classify", "--strict", "-o", path_str(&out), REJECTS]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "error: fixtures/classify/rejects.csv:4: field `dst_ip`: `199.130.5.300` is not an IP address (--strict stops at the first rejected record)"
        ),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "a stopped run leaves no output file");
    assert!(
        std::fs::read_dir(dir.path())
            .expect("listable")
            .next()
            .is_none(),
        "nor a temporary file"
    );
}

#[test]
fn strict_accepts_an_input_without_rejects() {
    let run = classify(&["--strict", &fixture("complaints.csv")]);
    assert_eq!(parse_csv(&run.stdout).len(), 5);
}

#[test]
fn invalid_json_lines_are_rejected_with_their_line() {
    let input = "{\"id\": \"A\", \"category\": \"p2p\", \"occurred_at\": \"2026-11-02 09:00\"}\n{\"id\": \"B\", \"category\": \n[1, 2]\n{\"id\": \"C\", \"category\": \"gambling\", \"occurred_at\": \"2026-11-02 09:00\"}\n";
    let run = classify_stdin(&["--input-format", "jsonl", "-"], input);
    let ids: Vec<String> = parse_csv(&run.stdout)
        .into_iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, ["A", "C"]);
    assert!(
        run.stderr.contains("rejected <stdin>:2: invalid JSON"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("rejected <stdin>:3: not a JSON object"),
        "{}",
        run.stderr
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.rejected), (4, 2, 2));
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

#[test]
fn a_dash_reads_stdin_and_names_records_without_id_by_dash_and_line() {
    let input = "occurred_at,source,category\n2026-11-02 09:00,helpdesk,gambling\n2026-11-02 10:00,helpdesk,misuse\n";
    let run = classify_stdin(&["-"], input);
    let rows = parse_csv(&run.stdout);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["id"].as_str(), r["level"].as_str()))
        .collect();
    assert_eq!(got, [("<stdin>:2", "high"), ("<stdin>:3", "medium")]);
}

#[test]
fn several_inputs_are_read_in_order_into_one_output_and_one_summary() {
    let run = classify(&[
        &fixture("canonical.jsonl"),
        &fixture("complaints.csv"),
        &fixture("suricata-eve-array.json"),
    ]);
    let ids: Vec<String> = parse_csv(&run.stdout)
        .into_iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            "J-1",
            "J-2",
            "J-3",
            "J-4",
            "J-5",
            "C-1",
            "C-2",
            "C-3",
            "C-4",
            "C-5",
            "fixtures/classify/suricata-eve-array.json:2",
            "fixtures/classify/suricata-eve-array.json:38",
            "fixtures/classify/suricata-eve-array.json:57",
            "fixtures/classify/suricata-eve-array.json:76",
        ]
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.skipped), (15, 14, 1));
}

#[test]
fn a_canonical_json_array_is_read_as_records_not_as_suricata() {
    let input = "[\n  {\"id\": \"A\", \"occurred_at\": \"2026-11-02 09:00\", \"category\": \"p2p\"},\n  {\"id\": \"B\", \"occurred_at\": \"2026-11-02 09:00\", \"category\": \"gambling\"}\n]\n";
    let run = classify_stdin(&["-"], input);
    let got: Vec<(String, String)> = parse_csv(&run.stdout)
        .into_iter()
        .map(|r| (r["id"].clone(), r["level"].clone()))
        .collect();
    assert_eq!(
        got,
        [("A".into(), "high".into()), ("B".into(), "high".into())],
        "objects without event_type are canonical records, not skipped EVE events"
    );
    let s = summary(&run.stderr);
    assert_eq!((s.read, s.classified, s.skipped), (2, 2, 0));
}

#[test]
fn input_format_overrides_detection() {
    // Detected as Suricata EVE, the flow and dns events are skipped ...
    let detected = classify(&[&fixture("suricata-eve.json")]);
    assert_eq!(summary(&detected.stderr).skipped, 6);
    // ... read as canonical JSON lines, every line is a record.
    let forced = classify(&["--input-format", "jsonl", &fixture("suricata-eve.json")]);
    let s = summary(&forced.stderr);
    assert_eq!((s.read, s.classified, s.skipped), (12, 12, 0));
    assert!(
        forced
            .stderr
            .contains("ignoring columns that the ruleset does not define"),
        "{}",
        forced.stderr
    );
}

#[test]
fn a_missing_input_file_exits_2_with_a_clear_message() {
    let run = docket(&["classify", "fixtures/classify/no-such-file.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: fixtures/classify/no-such-file.csv: No such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_directory_as_input_exits_2_with_a_clear_message() {
    let run = docket(&["classify", "fixtures/classify"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: fixtures/classify: is a directory, not an input file"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_input_that_fails_midway_still_exits_2_after_the_good_inputs() {
    let run = docket(&[
        "classify",
        &fixture("complaints.csv"),
        "fixtures/classify/missing.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("fixtures/classify/missing.json"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// Agencies
// ---------------------------------------------------------------------------

const ADDRESSES: &str = "\
id,occurred_at,source,category,src_ip,dst_ip
A-1,2026-11-02 09:00,ids,scan-probe,203.0.113.9,10.20.30.40
A-2,2026-11-02 09:00,ids,scan-probe,10.20.7.7,203.0.113.9
A-3,2026-11-02 09:00,ids,scan-probe,192.0.2.9,198.51.100.1
A-4,2026-11-02 09:00,ids,scan-probe,::ffff:10.20.30.41,
A-5,2026-11-02 09:00,helpdesk,scan-probe,,
";

const NESTED_TABLE: &str = "\
# a test table: one /24 of LAB inside the /16 of FARM
cidr,agency,sub_organization
10.20.0.0/16,FARM,Farm network
10.20.30.0/24,LAB,Laboratory (inside FARM)
203.0.113.0/25,EDGE,Perimeter
";

fn with_table(table: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = write_file(dir.path(), "allocations.csv", table);
    let run = classify_stdin(
        &["--format", "jsonl", "--allocations", path_str(&path), "-"],
        ADDRESSES,
    );
    rows(&run.stdout)
}

#[test]
fn the_allocations_option_replaces_the_rulesets_table() {
    let shipped = classify_stdin(&["--format", "jsonl", "-"], ADDRESSES);
    assert_eq!(
        text(&rows(&shipped.stdout)[0], "agency"),
        "unallocated",
        "203.0.113.9 is in no USDA prefix"
    );
    let rows = with_table(NESTED_TABLE);
    assert_eq!(
        text(&rows[0], "agency"),
        "EDGE",
        "the first address field (src_ip) that lies in the table"
    );
    assert_eq!(text(&rows[0], "agency_address"), "203.0.113.9");
}

#[test]
fn a_nested_allocation_resolves_to_the_longer_prefix() {
    let rows = with_table("cidr,agency\n10.20.0.0/16,FARM\n10.20.30.0/24,LAB\n");
    let agency = |i: usize| {
        (
            text(&rows[i], "agency").to_owned(),
            rows[i]["agency_prefix"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(
        agency(0),
        ("LAB".into(), "10.20.30.0/24".into()),
        "inside the /24"
    );
    assert_eq!(
        agency(1),
        ("FARM".into(), "10.20.0.0/16".into()),
        "in the /16 only"
    );
    assert_eq!(
        agency(3),
        ("LAB".into(), "10.20.30.0/24".into()),
        "an IPv4-mapped IPv6 address is looked up as IPv4"
    );
}

#[test]
fn an_address_in_no_prefix_is_unallocated_flagged_and_counted() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = write_file(dir.path(), "allocations.csv", NESTED_TABLE);
    let run = classify_stdin(&["--allocations", path_str(&path), "-"], ADDRESSES);
    let rows = parse_csv(&run.stdout);
    assert_eq!(rows[2]["agency"], "unallocated");
    assert_eq!(
        rows[2]["flags"],
        "unallocated: no address of the record is in the allocation table"
    );
    assert_eq!(
        rows[4]["agency"], "",
        "no address at all is no agency, not unallocated"
    );
    assert_eq!(rows[4]["flags"], "");
    assert_eq!(summary(&run.stderr).unallocated, 1);
}

#[test]
fn a_malformed_allocation_table_exits_2_naming_its_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = write_file(
        dir.path(),
        "allocations.csv",
        "cidr,agency\n10.20.0.0/16,FARM\n10.20.0.0/33,LAB\n",
    );
    let run = docket(&[
        "classify",
        "--allocations",
        path_str(&path),
        &fixture("complaints.csv"),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("allocation table"), "{}", run.stderr);
    assert!(run.stderr.contains(":3"), "names line 3: {}", run.stderr);
    assert!(run.stdout.is_empty());
}

// ---------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------

#[test]
fn output_goes_to_the_file_named_by_o_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("classified.csv");
    let run = classify(&["-o", path_str(&out), &fixture("complaints.csv")]);
    assert!(run.stdout.is_empty());
    let to_stdout = classify(&[&fixture("complaints.csv")]);
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        to_stdout.stdout
    );
    assert_eq!(summary(&run.stderr).classified, 5);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("listable")
        .map(|e| e.expect("an entry").file_name())
        .collect();
    assert_eq!(
        names,
        ["classified.csv"],
        "no temporary file is left behind"
    );
}

#[test]
fn an_output_that_is_also_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let original =
        std::fs::read_to_string(repo().join(fixture("complaints.csv"))).expect("readable");
    let input = write_file(dir.path(), "complaints.csv", &original);
    let spelled_otherwise = dir.path().join(".").join("complaints.csv");
    for output in [input.clone(), spelled_otherwise] {
        let run = docket(&["classify", "-o", path_str(&output), path_str(&input)]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("is also an input")
                && run.stderr.contains("refusing to overwrite it"),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&input).expect("readable"), original);
    }
    let run = docket(&["classify", "--rejects", path_str(&input), path_str(&input)]);
    assert_eq!(
        run.code, 2,
        "the rejects file may not overwrite an input either"
    );
    assert_eq!(std::fs::read_to_string(&input).expect("readable"), original);
}

#[test]
fn the_rejects_file_and_the_output_cannot_be_one_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out.csv");
    let same = dir.path().join(".").join("out.csv");
    let run = docket(&[
        "classify",
        "-o",
        path_str(&out),
        "--rejects",
        path_str(&same),
        REJECTS,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("-o and --rejects name the same file"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::read_dir(dir.path())
            .expect("listable")
            .next()
            .is_none(),
        "nothing is written"
    );
}

#[test]
fn two_runs_give_byte_identical_output() {
    for args in [
        vec![EVERY_CATEGORY],
        vec!["--format", "jsonl", EVERY_CATEGORY],
        vec![
            "--format",
            "jsonl",
            "fixtures/classify/suricata-eve.json",
            "fixtures/classify/suricata-eve-array.json",
        ],
    ] {
        let first = classify(&args);
        let second = classify(&args);
        assert_eq!(first.stdout, second.stdout, "{args:?}");
        assert_eq!(first.stderr, second.stderr, "{args:?}");
    }
}

//! `docket audit`: incident histories against the deadlines of the shipped
//! rulesets, what breaches make owed, POA&Ms, policy exceptions, the
//! quarterly report, bad input and exit statuses.
//!
//! Every run fixes `--as-of`, so nothing depends on today's date. Fixtures
//! live in `fixtures/audit/` (one history per USDA deadline in
//! `fixtures/audit/deadlines/`), and paths are relative to the repository
//! root, as a user would type them.

use std::path::Path;

mod common;
use common::{Row, Run, docket, parse_csv, repo};

const USDA_HISTORY: &str = "fixtures/audit/usda-history.csv";
const USDA_HISTORY_JSONL: &str = "fixtures/audit/usda-history.jsonl";
const OPEN_INCIDENT: &str = "fixtures/audit/open-incident.csv";
const DOC_EVENT: &str = "fixtures/audit/doc-significant-event.csv";
/// Units named by the CIPM but late or never alerted, a unit on an event
/// that is not per unit and a per-unit event without one.
const DOC_PER_UNIT: &str = "fixtures/audit/doc-per-unit.csv";
const EXCEPTIONS: &str = "fixtures/audit/exceptions.csv";
const DATA_QUALITY: &str = "fixtures/audit/data-quality.csv";
const BAD_ROWS: &str = "fixtures/audit/bad-rows.csv";
const BAD_LINES: &str = "fixtures/audit/bad-rows.jsonl";

/// The end of FY2027 Q1, the audit time of the README's quarterly example.
const END_OF_Q1: &str = "2026-12-31T23:59:59-05:00";

/// Each USDA deadline's fixture and the audit time its edge cases are built
/// around (its `-OVERDUE` incident is past due then, its `-PENDING` one not).
const DEADLINE_FIXTURES: &[(&str, &str)] = &[
    ("medium-handled", "2026-11-02T12:00:00-05:00"),
    ("low-investigated", "2026-12-02T12:00:00-05:00"),
    ("finding-48h", "2026-11-03T12:00:00-05:00"),
    ("response-12h", "2026-11-02T12:00:00-05:00"),
    ("disconnect-12h", "2026-11-02T12:00:00-05:00"),
    ("open-15-days", "2026-11-20T12:00:00-05:00"),
    ("restore-decision", "2026-11-30T12:00:00-05:00"),
];

/// The cancellation fixture's audit time.
const CANCELLATION_AS_OF: &str = "2026-11-20T12:00:00-05:00";

/// Runs `docket audit ARGS...` from the repository root.
fn audit(args: &[&str]) -> Run {
    Run::of(docket().arg("audit").args(args))
}

/// Runs an audit that must succeed (exit 0) and returns its stdout.
fn audit_ok(args: &[&str]) -> String {
    let run = audit(args);
    assert_eq!(run.code, 0, "docket audit {args:?} failed:\n{}", run.stderr);
    run.stdout
}

fn deadline_fixture(name: &str) -> String {
    format!("fixtures/audit/deadlines/{name}.csv")
}

/// Writes rows back as CSV text with the given column order.
fn to_csv(columns: &[String], rows: &[&Row]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns).expect("in-memory write");
    for row in rows {
        writer
            .write_record(columns.iter().map(|c| row[c].as_str()))
            .expect("in-memory write");
    }
    String::from_utf8(writer.into_inner().expect("in-memory write")).expect("UTF-8")
}

/// The columns of CSV text, in order.
fn columns(text: &str) -> Vec<String> {
    csv::Reader::from_reader(text.as_bytes())
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect()
}

/// The deadline finding of `incident` for `rule` (incident-wide).
fn finding<'a>(rows: &'a [Row], incident: &str, rule: &str) -> &'a Row {
    unit_finding(rows, incident, rule, "")
}

/// The deadline finding of `incident` for `rule` and `unit`.
fn unit_finding<'a>(rows: &'a [Row], incident: &str, rule: &str, unit: &str) -> &'a Row {
    let matching: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r["kind"] == "deadline"
                && r["incident"] == incident
                && r["rule"] == rule
                && r["unit"] == unit
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one `{rule}` finding for {incident} {unit}, found {matching:?}"
    );
    matching[0]
}

/// Asserts a deadline finding's status, margin and working days late.
fn assert_status(row: &Row, status: &str, margin: &str, working_days_late: &str) {
    assert_eq!(
        (
            row["status"].as_str(),
            row["margin_minutes"].as_str(),
            row["working_days_late"].as_str()
        ),
        (status, margin, working_days_late),
        "{} `{}`: {row:?}",
        row["incident"],
        row["rule"]
    );
}

/// The findings of one deadline fixture, as of its audit time.
fn deadline_findings(name: &str, as_of: &str) -> Vec<Row> {
    parse_csv(&audit_ok(&["--as-of", as_of, &deadline_fixture(name)]))
}

/// The findings CSV of a deadline fixture reduced to its own deadline's rows
/// (and any data-quality rows), for snapshots.
fn deadline_snapshot(name: &str, as_of: &str) -> String {
    let text = audit_ok(&["--as-of", as_of, &deadline_fixture(name)]);
    let rows = parse_csv(&text);
    let kept: Vec<&Row> = rows
        .iter()
        .filter(|r| r["rule"] == name || r["kind"] != "deadline")
        .collect();
    to_csv(&columns(&text), &kept)
}

/// An RFC 3339 time from the output or an `--as-of` argument.
fn instant(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// --- The issue's "Done when" cases -------------------------------------------

#[test]
fn an_incident_declared_on_1_october_and_still_open_on_20_october_is_overdue_and_owes_the_cio_and_a_poam()
 {
    let dir = tempfile::tempdir().unwrap();
    let poam = dir.path().join("poam.csv");
    let stdout = audit_ok(&[
        "--as-of",
        "2026-10-20T12:00:00-04:00",
        "--poam",
        poam.to_str().unwrap(),
        OPEN_INCIDENT,
    ]);
    let rows = parse_csv(&stdout);
    let open = finding(&rows, "INC-2001", "open-15-days");
    assert_status(open, "overdue", "-5940", "");
    assert_eq!(open["citation"], "USDA 3b(1)");
    assert_eq!(open["start_event"], "declared");
    assert_eq!(open["start_at"], "2026-10-01T09:00:00-04:00");
    assert_eq!(open["due_at"], "2026-10-16T09:00:00-04:00");
    assert_eq!(open["end_event"], "");
    assert_eq!(open["detail"], "4d 3h 0m past due and still open");
    assert_eq!(
        open["owed"],
        "one-time notification to agency CIO: owed; POA&M until the incident closes: owed"
    );
    // The response was given in time; nothing else is breached or overdue.
    assert_status(finding(&rows, "INC-2001", "response-12h"), "met", "600", "");
    assert!(
        rows.iter()
            .filter(|r| r["rule"] != "open-15-days")
            .all(|r| r["status"] == "met" || r["status"] == "not-applicable"),
        "{rows:?}"
    );

    let poams = parse_csv(&read(&poam));
    assert_eq!(poams.len(), 1, "{poams:?}");
    let item = &poams[0];
    assert_eq!(item["POA&M ID"], "POAM-INC-2001-open-15-days");
    assert_eq!(item["Identifier"], "INC-2001");
    assert_eq!(item["Point of Contact"], "FS CIO");
    assert_eq!(item["Original Detection Date"], "2026-10-16");
    assert_eq!(item["Status"], "Ongoing");
    assert_eq!(item["Completion Date"], "");
    assert_eq!(
        item["Milestones"],
        "declared 2026-10-01; responded 2026-10-01"
    );
    assert_eq!(item["Citation"], "USDA 3b(1)");
}

#[test]
fn the_readme_audit_example_prints_the_row_it_shows() {
    let stdout = audit_ok(&["--as-of", "2026-10-20T12:00:00-04:00", OPEN_INCIDENT]);
    let readme = read(&repo().join("README.md"));
    let shown = "INC-2001,FS,high,deadline,open-15-days,USDA 3b(1),overdue,,declared,2026-10-01T09:00:00-04:00,2026-10-16T09:00:00-04:00,,,-5940,,4d 3h 0m past due and still open,one-time notification to agency CIO: owed; POA&M until the incident closes: owed";
    assert!(readme.contains(shown), "the README no longer shows the row");
    assert!(stdout.lines().any(|l| l == shown), "{stdout}");
    let header = stdout.lines().next().unwrap();
    assert!(readme.contains(header), "the README shows another header");
}

#[test]
fn a_disconnection_12_hours_1_minute_after_discovery_is_a_breach_and_one_at_11_hours_59_is_met() {
    let rows = parse_csv(&audit_ok(&["--as-of", END_OF_Q1, USDA_HISTORY]));
    let late = finding(&rows, "INC-1002", "disconnect-12h");
    assert_status(late, "breached", "-1", "");
    assert_eq!(late["start_at"], "2026-10-05T08:00:00-04:00");
    assert_eq!(late["due_at"], "2026-10-05T20:00:00-04:00");
    assert_eq!(late["end_event"], "disconnected");
    assert_eq!(late["end_at"], "2026-10-05T20:01:00-04:00");
    assert_eq!(late["detail"], "1m late");
    let in_time = finding(&rows, "INC-1003", "disconnect-12h");
    assert_status(in_time, "met", "1", "");
    assert_eq!(in_time["end_at"], "2026-10-05T19:59:00-04:00");
    assert_eq!(in_time["detail"], "met with 1m to spare");
}

#[test]
fn the_doc_fixtures_late_e16h_step_is_breached_by_5_minutes_for_nist_only() {
    let rows = parse_csv(&audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-04T00:00:00-05:00",
        DOC_EVENT,
    ]));
    let nist = unit_finding(&rows, "SE-2027-01", "doc.e16h-padc-updated", "NIST");
    assert_status(nist, "breached", "-5", "");
    assert_eq!(nist["citation"], "DOC E+16h");
    assert_eq!(nist["start_event"], "data_call");
    assert_eq!(nist["start_at"], "2026-11-02T08:00:00-05:00");
    assert_eq!(nist["due_at"], "2026-11-03T00:00:00-05:00");
    assert_eq!(nist["end_event"], "padc_updated");
    assert_eq!(nist["end_at"], "2026-11-03T00:05:00-05:00");
    assert_eq!(nist["detail"], "5m late");
    let noaa = unit_finding(&rows, "SE-2027-01", "doc.e16h-padc-updated", "NOAA");
    assert_status(noaa, "met", "120", "");
    let breached: Vec<_> = rows.iter().filter(|r| r["status"] != "met").collect();
    assert_eq!(breached, vec![nist], "only NIST's E+16h step is late");
}

#[test]
fn every_doc_step_from_e_to_e24h_is_evaluated_and_the_unit_steps_once_per_operating_unit() {
    let rows = parse_csv(&audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-04T00:00:00-05:00",
        DOC_EVENT,
    ]));
    // The two deadlines of the first "E + 2 hrs" row concern the whole
    // Department and are evaluated once: the CIPM notifies the DOC CIRT
    // within 1 hour, the DOC CIRT has the alert ready within 2 hours.
    for (rule, due, margin) in [
        ("doc.e1h-cirt-notified", "2026-11-02T09:00:00-05:00", "20"),
        ("doc.e2h-alert-ready", "2026-11-02T10:00:00-05:00", "30"),
    ] {
        let row = finding(&rows, "SE-2027-01", rule);
        assert_status(row, "met", margin, "");
        assert_eq!(row["due_at"], due, "{rule}");
        assert_eq!(row["citation"], "DOC E+2h", "{rule}");
    }
    // From the CIPM naming a unit (E+2h) to the CIPM confirming it (E+24h),
    // once per operating unit.
    for (rule, due, nist, noaa) in [
        (
            "doc.e2h-affected-units",
            "2026-11-02T10:00:00-05:00",
            "15",
            "15",
        ),
        (
            "doc.e2h-alert-issued",
            "2026-11-02T10:00:00-05:00",
            "5",
            "10",
        ),
        (
            "doc.e4h-roster-notified",
            "2026-11-02T12:00:00-05:00",
            "30",
            "60",
        ),
        (
            "doc.e4h-patches-downloaded",
            "2026-11-02T12:00:00-05:00",
            "2",
            "10",
        ),
        (
            "doc.e12h-patch-installed",
            "2026-11-02T20:00:00-05:00",
            "30",
            "120",
        ),
        (
            "doc.e16h-padc-updated",
            "2026-11-03T00:00:00-05:00",
            "-5",
            "120",
        ),
        (
            "doc.e20h-validated",
            "2026-11-03T04:00:00-05:00",
            "30",
            "120",
        ),
        (
            "doc.e24h-confirmed",
            "2026-11-03T08:00:00-05:00",
            "45",
            "120",
        ),
    ] {
        for (unit, margin) in [("NIST", nist), ("NOAA", noaa)] {
            let row = unit_finding(&rows, "SE-2027-01", rule, unit);
            assert_eq!(row["due_at"], due, "{rule} {unit}");
            assert_eq!(row["margin_minutes"], margin, "{rule} {unit}");
        }
    }
    assert_eq!(rows.len(), 2 + 8 * 2, "no other findings: {rows:?}");
}

#[test]
fn a_unit_named_only_as_affected_owes_every_later_step() {
    let rows = parse_csv(&audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-03T09:00:00-05:00",
        DOC_PER_UNIT,
    ]));
    // NOAA appears on one event, the CIPM naming it at 09:45.
    let named = unit_finding(&rows, "SE-2027-02", "doc.e2h-affected-units", "NOAA");
    assert_status(named, "met", "15", "");
    for (rule, margin) in [
        ("doc.e2h-alert-issued", "-1380"),
        ("doc.e4h-roster-notified", "-1260"),
        ("doc.e4h-patches-downloaded", "-1260"),
        ("doc.e12h-patch-installed", "-780"),
        ("doc.e16h-padc-updated", "-540"),
        ("doc.e20h-validated", "-300"),
        ("doc.e24h-confirmed", "-60"),
    ] {
        let row = unit_finding(&rows, "SE-2027-02", rule, "NOAA");
        assert_status(row, "overdue", margin, "");
        assert_eq!(row["start_event"], "data_call", "{rule}");
        assert_eq!(row["end_event"], "", "{rule}");
    }
}

#[test]
fn each_unit_is_alerted_on_its_own_clock() {
    let rows = parse_csv(&audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-03T09:00:00-05:00",
        DOC_PER_UNIT,
    ]));
    // NIST's alert at 09:30 does not stop NTIA's clock: NTIA's came at 10:01.
    let nist = unit_finding(&rows, "SE-2027-02", "doc.e2h-alert-issued", "NIST");
    assert_status(nist, "met", "30", "");
    assert_eq!(nist["end_at"], "2026-11-02T09:30:00-05:00");
    let ntia = unit_finding(&rows, "SE-2027-02", "doc.e2h-alert-issued", "NTIA");
    assert_status(ntia, "breached", "-1", "");
    assert_eq!(ntia["end_at"], "2026-11-02T10:01:00-05:00");
    assert_eq!(ntia["detail"], "1m late");
    // Nor does the alert that names no unit (09:40), nor NIST's.
    let noaa = unit_finding(&rows, "SE-2027-02", "doc.e2h-alert-issued", "NOAA");
    assert_status(noaa, "overdue", "-1380", "");
    // The three units, and only they, are evaluated for each unit step.
    for rule in [
        "doc.e2h-affected-units",
        "doc.e2h-alert-issued",
        "doc.e4h-roster-notified",
        "doc.e24h-confirmed",
    ] {
        let mut units: Vec<&str> = rows
            .iter()
            .filter(|r| r["kind"] == "deadline" && r["rule"] == rule)
            .map(|r| r["unit"].as_str())
            .collect();
        units.sort_unstable();
        assert_eq!(units, ["NIST", "NOAA", "NTIA"], "{rule}");
    }
}

#[test]
fn a_unit_on_an_event_that_is_not_per_unit_and_a_unit_event_without_one_are_data_quality_findings()
{
    let rows = parse_csv(&audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-03T09:00:00-05:00",
        DOC_PER_UNIT,
    ]));
    let quality: Vec<&str> = rows
        .iter()
        .filter(|r| r["kind"] == "data-quality")
        .map(|r| {
            assert_eq!(r["incident"], "SE-2027-02");
            assert_eq!(r["status"], "data-quality");
            r["detail"].as_str()
        })
        .collect();
    assert_eq!(
        quality,
        vec![
            "fixtures/audit/doc-per-unit.csv:3: `cirt_notified` at 2026-11-02T08:30:00-05:00 is not recorded per unit, so the unit NTIA given on it is ignored",
            "fixtures/audit/doc-per-unit.csv:8: `alert_issued` at 2026-11-02T09:40:00-05:00 is recorded per unit but names none, so no unit's deadline counts it",
        ]
    );
    // The CIPM's notice to the DOC CIRT still counts, once, for the incident.
    let notified = finding(&rows, "SE-2027-02", "doc.e1h-cirt-notified");
    assert_status(notified, "met", "30", "");
    // The clean fixture has no such finding.
    let clean = parse_csv(&audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-04T00:00:00-05:00",
        DOC_EVENT,
    ]));
    assert!(clean.iter().all(|r| r["kind"] == "deadline"));
}

#[test]
fn doc_findings_csv_snapshot() {
    let stdout = audit_ok(&[
        "--rules",
        "rules/doc",
        "--as-of",
        "2026-11-04T00:00:00-05:00",
        DOC_EVENT,
    ]);
    insta::assert_snapshot!("doc_findings_csv", stdout);
}

// --- One history per USDA deadline --------------------------------------------

#[test]
fn medium_events_must_be_handled_within_4_hours_of_their_notification() {
    let (name, as_of) = DEADLINE_FIXTURES[0];
    let rows = deadline_findings(name, as_of);
    assert_status(finding(&rows, "MH-ON-TIME", name), "met", "0", "");
    assert_status(finding(&rows, "MH-LATE", name), "breached", "-1", "");
    // Thirty seconds late is late: at least a minute, never a margin of 0.
    let seconds = finding(&rows, "MH-30S-LATE", name);
    assert_status(seconds, "breached", "-1", "");
    assert_eq!(seconds["detail"], "1m late");
    // Without a notification the clock starts when the event occurred.
    let occurred = finding(&rows, "MH-FROM-OCCURRED", name);
    assert_eq!(occurred["start_event"], "occurred");
    assert_status(occurred, "met", "30", "");
    assert_status(finding(&rows, "MH-DST", name), "breached", "-15", "");
    let high = finding(&rows, "MH-HIGH", name);
    assert_status(high, "not-applicable", "", "");
    assert_eq!(
        high["detail"],
        "its `applies` condition does not hold for this incident"
    );
    assert_status(finding(&rows, "MH-OVERDUE", name), "overdue", "-60", "");
    assert_status(finding(&rows, "MH-PENDING", name), "pending", "120", "");
    insta::assert_snapshot!("deadline_medium_handled", deadline_snapshot(name, as_of));
}

#[test]
fn low_events_must_be_investigated_within_three_working_days_skipping_weekends_and_holidays() {
    let (name, as_of) = DEADLINE_FIXTURES[1];
    let rows = deadline_findings(name, as_of);
    // Wednesday 25 November: Thanksgiving and the weekend are skipped, so
    // the third working day ends on Tuesday 1 December.
    let on_time = finding(&rows, "LI-ON-TIME", name);
    assert_eq!(on_time["due_at"], "2026-12-01T23:59:59-05:00");
    assert_status(on_time, "met", "0", "");
    let late = finding(&rows, "LI-LATE", name);
    assert_status(late, "breached", "-1", "1");
    assert_eq!(late["end_at"], "2026-12-02T00:00:00-05:00");
    // Friday 6 November: the weekend and Veterans Day (Wednesday 11th) are
    // skipped; done on Monday 16th, two working days late.
    let weekend = finding(&rows, "LI-WEEKEND-HOLIDAY", name);
    assert_eq!(weekend["due_at"], "2026-11-12T23:59:59-05:00");
    assert_status(weekend, "breached", "-4860", "2");
    let overdue = finding(&rows, "LI-OVERDUE", name);
    assert_eq!(overdue["due_at"], "2026-11-27T23:59:59-05:00");
    assert_status(overdue, "overdue", "-6480", "3");
    let pending = finding(&rows, "LI-PENDING", name);
    assert_eq!(pending["due_at"], "2026-12-04T23:59:59-05:00");
    assert_status(pending, "pending", "3599", "");
    insta::assert_snapshot!("deadline_low_investigated", deadline_snapshot(name, as_of));
}

#[test]
fn an_alert_needs_a_finding_within_48_hours_or_acio_cs_declares_an_incident() {
    let (name, as_of) = DEADLINE_FIXTURES[2];
    let rows = deadline_findings(name, as_of);
    let on_time = finding(&rows, "F-ON-TIME", name);
    assert_status(on_time, "met", "0", "");
    assert_eq!(on_time["owed"], "");
    let late = finding(&rows, "F-LATE", name);
    assert_status(late, "breached", "-1", "");
    assert_eq!(late["owed"], "declaration of a CS incident: owed");
    assert_eq!(
        finding(&rows, "F-LATE-DECLARED", name)["owed"],
        "declaration of a CS incident: done 2026-10-09T12:00:00-04:00"
    );
    let closed = finding(&rows, "F-CLOSED", name);
    assert_status(closed, "met", "1500", "");
    assert_eq!(closed["end_event"], "closed");
    assert_status(finding(&rows, "F-DST", name), "breached", "-30", "");
    let overdue = finding(&rows, "F-OVERDUE", name);
    assert_status(overdue, "overdue", "-120", "");
    assert_eq!(overdue["owed"], "declaration of a CS incident: owed");
    let pending = finding(&rows, "F-PENDING", name);
    assert_status(pending, "pending", "1260", "");
    assert_eq!(pending["owed"], "");
    insta::assert_snapshot!("deadline_finding_48h", deadline_snapshot(name, as_of));
}

#[test]
fn an_incident_needs_a_response_within_12_hours_or_a_cease_and_desist_order_is_permitted() {
    let (name, as_of) = DEADLINE_FIXTURES[3];
    let rows = deadline_findings(name, as_of);
    let on_time = finding(&rows, "R-ON-TIME", name);
    assert_status(on_time, "met", "0", "");
    assert!(!on_time["detail"].contains("cease_and_desist"));
    let late = finding(&rows, "R-LATE", name);
    assert_status(late, "breached", "-1", "");
    assert_eq!(late["detail"], "1m late; permits `cease_and_desist`");
    assert_status(finding(&rows, "R-DST", name), "breached", "-1", "");
    let overdue = finding(&rows, "R-OVERDUE", name);
    assert_status(overdue, "overdue", "-120", "");
    assert!(overdue["detail"].ends_with("permits `cease_and_desist`"));
    let pending = finding(&rows, "R-PENDING", name);
    assert_status(pending, "pending", "480", "");
    assert!(!pending["detail"].contains("cease_and_desist"));
    insta::assert_snapshot!("deadline_response_12h", deadline_snapshot(name, as_of));
}

#[test]
fn a_compromised_system_must_be_disconnected_within_12_hours_of_discovery() {
    let (name, as_of) = DEADLINE_FIXTURES[4];
    let rows = deadline_findings(name, as_of);
    assert_status(finding(&rows, "D-ON-TIME", name), "met", "0", "");
    assert_status(finding(&rows, "D-LATE", name), "breached", "-1", "");
    assert_status(finding(&rows, "D-DST", name), "met", "0", "");
    assert_status(
        finding(&rows, "D-NOT-COMPROMISED", name),
        "not-applicable",
        "",
        "",
    );
    assert_status(finding(&rows, "D-OVERDUE", name), "overdue", "-60", "");
    assert_status(finding(&rows, "D-PENDING", name), "pending", "360", "");
    insta::assert_snapshot!("deadline_disconnect_12h", deadline_snapshot(name, as_of));
}

#[test]
fn an_incident_open_more_than_15_days_owes_a_cio_notification_and_a_poam() {
    let (name, as_of) = DEADLINE_FIXTURES[5];
    let dir = tempfile::tempdir().unwrap();
    let poam = dir.path().join("poam.csv");
    let rows = parse_csv(&audit_ok(&[
        "--as-of",
        as_of,
        "--poam",
        poam.to_str().unwrap(),
        &deadline_fixture(name),
    ]));
    let owed = "one-time notification to agency CIO: owed; POA&M until the incident closes: owed";
    let on_time = finding(&rows, "O-ON-TIME", name);
    assert_status(on_time, "met", "0", "");
    assert_eq!(on_time["owed"], "");
    let late = finding(&rows, "O-LATE", name);
    assert_status(late, "breached", "-1", "");
    assert_eq!(late["owed"], owed);
    assert_eq!(
        finding(&rows, "O-NOTIFIED", name)["owed"],
        "one-time notification to agency CIO: done 2026-10-16T10:00:00-04:00; POA&M until the incident closes: done 2026-10-19T09:00:00-04:00"
    );
    let overdue = finding(&rows, "O-OVERDUE", name);
    assert_status(overdue, "overdue", "-3060", "");
    assert_eq!(overdue["owed"], owed);
    let pending = finding(&rows, "O-PENDING", name);
    assert_status(pending, "pending", "7020", "");
    assert_eq!(pending["owed"], "");

    // One POA&M per breach: completed when the incident closed, ongoing
    // while it is open.
    let poams = parse_csv(&read(&poam));
    let status: Vec<(&str, &str, &str)> = poams
        .iter()
        .map(|p| {
            (
                p["Identifier"].as_str(),
                p["Status"].as_str(),
                p["Completion Date"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            ("O-LATE", "Completed", "2026-10-16"),
            ("O-NOTIFIED", "Completed", "2026-10-30"),
            ("O-OVERDUE", "Ongoing", ""),
        ]
    );
    insta::assert_snapshot!("deadline_open_15_days", deadline_snapshot(name, as_of));
    insta::assert_snapshot!("deadline_open_15_days_poam", read(&poam));
}

#[test]
fn a_restore_decision_is_due_within_one_working_day_or_the_agency_may_restore() {
    let (name, as_of) = DEADLINE_FIXTURES[6];
    let rows = deadline_findings(name, as_of);
    assert_status(finding(&rows, "RD-ON-TIME", name), "met", "0", "");
    let late = finding(&rows, "RD-LATE", name);
    assert_status(late, "breached", "-1", "1");
    assert_eq!(late["detail"], "1m late; permits `restored`");
    // A Friday request is due at the end of Monday.
    let weekend = finding(&rows, "RD-WEEKEND", name);
    assert_eq!(weekend["due_at"], "2026-11-09T23:59:59-05:00");
    assert_status(weekend, "met", "839", "");
    // Tuesday's request skips Veterans Day: due at the end of Thursday.
    let holiday = finding(&rows, "RD-HOLIDAY", name);
    assert_eq!(holiday["due_at"], "2026-11-12T23:59:59-05:00");
    assert_status(holiday, "breached", "-540", "1");
    // The day before Thanksgiving: due at the end of Friday.
    let overdue = finding(&rows, "RD-OVERDUE", name);
    assert_eq!(overdue["due_at"], "2026-11-27T23:59:59-05:00");
    assert_status(overdue, "overdue", "-3600", "1");
    assert!(overdue["detail"].ends_with("permits `restored`"));
    assert_status(finding(&rows, "RD-PENDING", name), "pending", "2159", "");
    insta::assert_snapshot!("deadline_restore_decision", deadline_snapshot(name, as_of));
}

#[test]
fn a_cancelled_incident_counts_as_closed() {
    let dir = tempfile::tempdir().unwrap();
    let poam = dir.path().join("poam.csv");
    let fixture = deadline_fixture("cancellation");
    let stdout = audit_ok(&[
        "--as-of",
        CANCELLATION_AS_OF,
        "--poam",
        poam.to_str().unwrap(),
        &fixture,
    ]);
    let rows = parse_csv(&stdout);
    let in_time = finding(&rows, "C-CANCELLED-IN-TIME", "open-15-days");
    assert_status(in_time, "met", "18360", "");
    assert_eq!(in_time["end_event"], "cancelled");
    let late = finding(&rows, "C-CANCELLED-LATE", "open-15-days");
    assert_status(late, "breached", "-6120", "");
    assert_eq!(late["end_event"], "cancelled");
    let response = finding(&rows, "C-NO-RESPONSE", "response-12h");
    assert_status(response, "met", "600", "");
    assert_eq!(response["end_event"], "cancelled");
    let before = finding(&rows, "C-BEFORE-DUE", "medium-handled");
    assert_status(before, "not-applicable", "", "");
    assert_eq!(
        before["detail"],
        "the incident closed (`cancelled` at 2026-11-03T10:00:00-05:00) before it was due"
    );
    let after = finding(&rows, "C-AFTER-DUE", "medium-handled");
    assert_status(after, "breached", "-120", "");
    assert_eq!(
        after["detail"],
        "never done: the incident closed (`cancelled` at 2026-11-03T15:00:00-05:00) 2h 0m after it was due"
    );
    let alert = finding(&rows, "C-ALERT", "finding-48h");
    assert_status(alert, "met", "1440", "");
    assert_eq!(alert["end_event"], "cancelled");
    // The POA&M of the late cancellation is completed by it.
    let poams = parse_csv(&read(&poam));
    assert_eq!(poams.len(), 1, "{poams:?}");
    assert_eq!(poams[0]["Identifier"], "C-CANCELLED-LATE");
    assert_eq!(poams[0]["Status"], "Completed");
    assert_eq!(poams[0]["Completion Date"], "2026-10-20");
    // Snapshot what the cancellations decided (not the deadlines whose
    // clocks never started).
    let kept: Vec<&Row> = rows
        .iter()
        .filter(|r| r["status"] != "not-applicable" || r["detail"].contains("closed"))
        .collect();
    insta::assert_snapshot!("deadline_cancellation", to_csv(&columns(&stdout), &kept));
}

#[test]
fn the_quarterly_report_counts_a_cancellation_as_reaching_closed() {
    let stdout = audit_ok(&[
        "--as-of",
        CANCELLATION_AS_OF,
        "--format",
        "md",
        &deadline_fixture("cancellation"),
    ]);
    // Every incident of the fixture (all NASS's) was cancelled, none closed.
    // The report lists the five with a deadline decided (C-BEFORE-DUE's
    // only deadline does not apply), cancelled after 2h, 6h, 1d, 2d 6h and
    // 19d 6h: nearest-rank median 1d, 90th percentile 19d 6h.
    let closed = stdout
        .lines()
        .find(|l| l.starts_with("| `closed` |"))
        .unwrap_or_else(|| panic!("no `closed` milestone:\n{stdout}"));
    assert_eq!(closed, "| `closed` | 5 | 1d 0h 0m | 19d 6h 0m |");
    assert!(stdout.contains("| NASS | 5 |"), "{stdout}");
}

// --- Edge cases across the deadlines ------------------------------------------

#[test]
fn exactly_on_time_is_met_with_margin_0_and_one_minute_late_is_breached_with_margin_minus_1() {
    let prefixes = [
        ("medium-handled", "MH"),
        ("low-investigated", "LI"),
        ("finding-48h", "F"),
        ("response-12h", "R"),
        ("disconnect-12h", "D"),
        ("open-15-days", "O"),
        ("restore-decision", "RD"),
    ];
    for ((name, as_of), (rule, prefix)) in DEADLINE_FIXTURES.iter().zip(prefixes) {
        assert_eq!(*name, rule);
        let rows = deadline_findings(name, as_of);
        let on_time = finding(&rows, &format!("{prefix}-ON-TIME"), rule);
        assert_eq!(on_time["status"], "met", "{on_time:?}");
        assert_eq!(on_time["margin_minutes"], "0", "{on_time:?}");
        assert_eq!(on_time["detail"], "met with 0m to spare", "{on_time:?}");
        let late = finding(&rows, &format!("{prefix}-LATE"), rule);
        assert_eq!(late["status"], "breached", "{late:?}");
        assert_eq!(late["margin_minutes"], "-1", "{late:?}");
        assert!(late["detail"].starts_with("1m late"), "{late:?}");
    }
}

#[test]
fn still_open_deadlines_are_overdue_once_past_due_and_pending_before() {
    let prefixes = ["MH", "LI", "F", "R", "D", "O", "RD"];
    for ((name, as_of), prefix) in DEADLINE_FIXTURES.iter().zip(prefixes) {
        let rows = deadline_findings(name, as_of);
        let overdue = finding(&rows, &format!("{prefix}-OVERDUE"), name);
        assert_eq!(overdue["status"], "overdue", "{overdue:?}");
        assert_eq!(overdue["end_event"], "", "{overdue:?}");
        assert!(instant(&overdue["due_at"]) < instant(as_of), "{overdue:?}");
        assert!(overdue["margin_minutes"].starts_with('-'), "{overdue:?}");
        assert!(overdue["detail"].contains("past due and still open"));
        let pending = finding(&rows, &format!("{prefix}-PENDING"), name);
        assert_eq!(pending["status"], "pending", "{pending:?}");
        assert!(instant(&pending["due_at"]) > instant(as_of), "{pending:?}");
        assert!(pending["detail"].starts_with("due in "), "{pending:?}");
        let margin: i64 = pending["margin_minutes"].parse().unwrap();
        assert!(margin > 0, "{pending:?}");
    }
}

#[test]
fn the_same_incident_is_pending_before_its_due_time_and_overdue_after_it() {
    let at = |as_of| {
        let rows = parse_csv(&audit_ok(&["--as-of", as_of, OPEN_INCIDENT]));
        let row = finding(&rows, "INC-2001", "open-15-days").clone();
        (row["status"].clone(), row["margin_minutes"].clone())
    };
    assert_eq!(
        at("2026-10-16T08:59:00-04:00"),
        ("pending".into(), "1".into())
    );
    assert_eq!(
        at("2026-10-16T09:00:00-04:00"),
        ("pending".into(), "0".into())
    );
    assert_eq!(
        at("2026-10-16T09:01:00-04:00"),
        ("overdue".into(), "-1".into())
    );
    // Events after the audit time are not seen: before the declaration
    // nothing has started.
    let rows = parse_csv(&audit_ok(&[
        "--as-of",
        "2026-10-01T08:00:00-04:00",
        OPEN_INCIDENT,
    ]));
    assert!(
        rows.iter().all(|r| r["status"] == "not-applicable"),
        "{rows:?}"
    );
}

#[test]
fn hours_deadlines_across_the_daylight_saving_change_count_elapsed_time() {
    // 1 November 2026, 02:00 EDT becomes 01:00 EST in America/New_York: the
    // local clock shows one hour less than the time elapsed.
    let cases = [
        // (fixture, incident, start, due, status, margin)
        (
            "medium-handled",
            "MH-DST",
            "2026-11-01T00:30:00-04:00",
            "2026-11-01T03:30:00-05:00",
            "breached",
            "-15",
        ),
        (
            "finding-48h",
            "F-DST",
            "2026-10-30T12:00:00-04:00",
            "2026-11-01T11:00:00-05:00",
            "breached",
            "-30",
        ),
        (
            "response-12h",
            "R-DST",
            "2026-10-31T20:00:00-04:00",
            "2026-11-01T07:00:00-05:00",
            "breached",
            "-1",
        ),
        (
            "disconnect-12h",
            "D-DST",
            "2026-10-31T21:00:00-04:00",
            "2026-11-01T08:00:00-05:00",
            "met",
            "0",
        ),
    ];
    for (name, incident, start, due, status, margin) in cases {
        let as_of = DEADLINE_FIXTURES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .unwrap();
        let rows = deadline_findings(name, as_of);
        let row = finding(&rows, incident, name);
        assert_eq!(row["start_at"], start, "{incident}");
        assert_eq!(row["due_at"], due, "{incident}");
        assert_status(row, status, margin, "");
    }
}

#[test]
fn calendar_days_across_the_daylight_saving_change_keep_the_local_time() {
    let (name, as_of) = DEADLINE_FIXTURES[5];
    let rows = deadline_findings(name, as_of);
    let row = finding(&rows, "O-DST", name);
    assert_eq!(row["start_at"], "2026-10-20T09:00:00-04:00");
    // Fifteen days later at 09:00 local time, 15 days and 1 hour elapsed.
    assert_eq!(row["due_at"], "2026-11-04T09:00:00-05:00");
    assert_status(row, "met", "0", "");
}

// --- Snapshots of the outputs --------------------------------------------------

#[test]
fn findings_csv_of_the_usda_history_snapshot() {
    let stdout = audit_ok(&[
        "--as-of",
        END_OF_Q1,
        "--exceptions",
        EXCEPTIONS,
        USDA_HISTORY,
    ]);
    insta::assert_snapshot!("usda_history_findings_csv", stdout);
}

#[test]
fn poam_file_of_the_readme_quarterly_example_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let poam = dir.path().join("poam.csv");
    audit_ok(&[
        "--quarter",
        "FY2027Q1",
        "--as-of",
        END_OF_Q1,
        "--format",
        "md",
        "--poam",
        poam.to_str().unwrap(),
        "--exceptions",
        EXCEPTIONS,
        USDA_HISTORY,
    ]);
    insta::assert_snapshot!("usda_history_poam_csv", read(&poam));
}

#[test]
fn quarterly_markdown_report_of_the_readme_example_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let poam = dir.path().join("poam.csv");
    let stdout = audit_ok(&[
        "--quarter",
        "FY2027Q1",
        "--as-of",
        END_OF_Q1,
        "--format",
        "md",
        "--poam",
        poam.to_str().unwrap(),
        "--exceptions",
        EXCEPTIONS,
        USDA_HISTORY,
    ]);
    insta::assert_snapshot!("usda_history_quarterly_md", stdout);
}

#[test]
fn jsonl_findings_carry_the_same_values_as_the_csv_findings() {
    let args = [
        "--as-of",
        END_OF_Q1,
        "--exceptions",
        EXCEPTIONS,
        USDA_HISTORY,
    ];
    let csv_rows = parse_csv(&audit_ok(&args));
    let mut jsonl_args = vec!["--format", "jsonl"];
    jsonl_args.extend(args);
    let stdout = audit_ok(&jsonl_args);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), csv_rows.len());
    for (json, row) in lines.iter().zip(&csv_rows) {
        for (column, value) in row {
            let field = &json[column.as_str()];
            let text = match field {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().expect("owed items are strings"))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => panic!("unexpected {column}: {other}"),
            };
            assert_eq!(&text, value, "{column} of {row:?}");
        }
    }
}

// --- JSON-lines histories -------------------------------------------------------

#[test]
fn a_json_lines_history_gives_the_same_findings_as_its_csv_twin() {
    let from_csv = audit_ok(&["--as-of", END_OF_Q1, USDA_HISTORY]);
    let from_jsonl = audit_ok(&["--as-of", END_OF_Q1, USDA_HISTORY_JSONL]);
    // Data-quality findings name where they were read: a CSV row, or the
    // incident's JSON line.
    assert!(from_csv.contains("fixtures/audit/usda-history.csv:35: closed twice"));
    assert!(from_jsonl.contains("fixtures/audit/usda-history.jsonl:12: closed twice"));
    let located = |text: &str, file: &str| {
        regex::Regex::new(&format!(r"{}:\d+: ", regex::escape(file)))
            .unwrap()
            .replace_all(text, "HISTORY:LINE: ")
            .into_owned()
    };
    assert_eq!(
        located(&from_csv, USDA_HISTORY),
        located(&from_jsonl, USDA_HISTORY_JSONL)
    );
    // 12 incidents, 8 deadlines each, and 2 data-quality findings.
    assert_eq!(parse_csv(&from_jsonl).len(), 12 * 8 + 2);
}

// --- Bad input -----------------------------------------------------------------

#[test]
fn unknown_events_bad_timestamps_and_rows_without_an_incident_id_are_rejected_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.csv");
    let run = audit(&[
        "--as-of",
        CANCELLATION_AS_OF,
        "--rejects",
        rejects.to_str().unwrap(),
        BAD_ROWS,
        BAD_LINES,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = parse_csv(&read(&rejects));
    let located: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r["file"].as_str(), r["line"].as_str(), r["reason"].as_str()))
        .collect();
    assert_eq!(
        located,
        vec![
            (
                BAD_ROWS,
                "3",
                "unknown event `respnded` (did you mean `responded`?)"
            ),
            (
                BAD_ROWS,
                "4",
                "`at`: `2026-10-01 25:00` is not a timestamp (use RFC 3339, e.g. 2026-11-02T14:30:00-05:00, or `YYYY-MM-DD HH:MM[:SS]` in the ruleset's time zone)"
            ),
            (BAD_ROWS, "5", "no incident id"),
            (
                BAD_LINES,
                "2",
                "event 2: unknown event `respnded` (did you mean `responded`?)"
            ),
            (
                BAD_LINES,
                "3",
                "event 1: `at`: `yesterday` is not a timestamp (use RFC 3339, e.g. 2026-11-02T14:30:00-05:00, or `YYYY-MM-DD HH:MM[:SS]` in the ruleset's time zone)"
            ),
            (BAD_LINES, "4", "no `incident` id"),
        ]
    );
    assert_eq!(rows[2]["raw"], ",2026-10-01 11:00,responded,,");
    assert!(run.stderr.contains("rejected 6"), "{}", run.stderr);
    // The good rows are still audited: B-1's response came at 11:30.
    let findings = parse_csv(&run.stdout);
    assert_status(finding(&findings, "B-1", "response-12h"), "met", "570", "");
    assert_status(
        finding(&findings, "B-2", "response-12h"),
        "breached",
        "-720",
        "",
    );
}

#[test]
fn a_rejected_json_line_contributes_none_of_its_events() {
    let rows = parse_csv(&audit_ok(&["--as-of", CANCELLATION_AS_OF, BAD_LINES]));
    let incidents: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["incident"].as_str()).collect();
    // B-3's line has a good `declared` and an unknown event: the whole line
    // is rejected, so B-3 is not audited with half its timeline.
    assert_eq!(incidents, ["B-2"].into_iter().collect());
}

#[test]
fn without_rejects_file_rejected_rows_are_reported_on_stderr_with_their_location() {
    let run = audit(&["--as-of", CANCELLATION_AS_OF, BAD_ROWS]);
    assert_eq!(run.code, 0);
    for expected in [
        "rejected fixtures/audit/bad-rows.csv:3: unknown event `respnded`",
        "rejected fixtures/audit/bad-rows.csv:4: `at`: `2026-10-01 25:00` is not a timestamp",
        "rejected fixtures/audit/bad-rows.csv:5: no incident id",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn strict_mode_exits_2_at_the_first_rejected_row_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("findings.csv");
    let run = audit(&[
        "--strict",
        "--as-of",
        CANCELLATION_AS_OF,
        "-o",
        out.to_str().unwrap(),
        BAD_ROWS,
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: fixtures/audit/bad-rows.csv:3: unknown event `respnded` (did you mean `responded`?) (--strict stops at the first rejected row)"
    );
    assert!(!out.exists(), "no findings are written");
    let run = audit(&["--strict", "--as-of", CANCELLATION_AS_OF, BAD_LINES]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: fixtures/audit/bad-rows.jsonl:2: event 2: unknown event"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    // A clean history passes --strict.
    assert_eq!(
        audit(&["--strict", "--as-of", END_OF_Q1, USDA_HISTORY]).code,
        0
    );
}

#[test]
fn events_out_of_time_order_are_data_quality_findings_not_crashes() {
    let run = audit(&["--as-of", CANCELLATION_AS_OF, DATA_QUALITY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = parse_csv(&run.stdout);
    let quality: Vec<&str> = rows
        .iter()
        .filter(|r| r["incident"] == "Q-OUT-OF-ORDER" && r["kind"] == "data-quality")
        .map(|r| r["detail"].as_str())
        .collect();
    assert_eq!(
        quality,
        vec![
            "fixtures/audit/data-quality.csv:3: `responded` at 2026-10-05T08:30:00-04:00 comes before `declared` at 2026-10-05T09:00:00-04:00, which starts deadline `response-12h`; it is not counted as meeting it",
            "fixtures/audit/data-quality.csv:5: `disconnected` at 2026-10-05T07:00:00-04:00 comes before `detected` at 2026-10-05T08:00:00-04:00, which starts deadline `disconnect-12h`; it is not counted as meeting it",
        ]
    );
    // The early events do not meet the deadlines they precede.
    assert_status(
        finding(&rows, "Q-OUT-OF-ORDER", "response-12h"),
        "breached",
        "-720",
        "",
    );
    let disconnect = finding(&rows, "Q-OUT-OF-ORDER", "disconnect-12h");
    assert_status(disconnect, "breached", "-780", "");
    assert_eq!(disconnect["end_event"], "");
    // Rows listed out of order are read in time order.
    assert_status(
        finding(&rows, "Q-OUT-OF-ORDER", "open-15-days"),
        "met",
        "20160",
        "",
    );
}

#[test]
fn a_system_restored_without_acio_cs_approval_is_a_data_quality_finding_unless_the_working_day_ran_out()
 {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("restore.csv");
    std::fs::write(
        &history,
        "\
incident,at,event,agency,level,category
R-APPROVED,2026-11-16 09:00,restore_requested,AMS,high,root-compromise
R-APPROVED,2026-11-16 15:00,restore_decision,,,
R-APPROVED,2026-11-16 16:00,restored,,,
R-TOO-SOON,2026-11-16 09:00,restore_requested,AMS,high,root-compromise
R-TOO-SOON,2026-11-16 12:00,restored,,,
R-TOO-SOON,2026-11-17 12:00,restore_decision,,,
R-NO-ANSWER,2026-11-16 09:00,restore_requested,AMS,high,root-compromise
R-NO-ANSWER,2026-11-18 08:00,restored,,,
R-NEVER-ASKED,2026-11-16 09:00,detected,AMS,high,root-compromise
R-NEVER-ASKED,2026-11-16 12:00,restored,,,
",
    )
    .unwrap();
    let rows = parse_csv(&audit_ok(&[
        "--as-of",
        "2026-11-30T12:00:00-05:00",
        history.to_str().unwrap(),
    ]));
    let quality: Vec<(&str, String)> = rows
        .iter()
        .filter(|r| r["kind"] == "data-quality")
        .map(|r| {
            let detail = r["detail"].split_once(": ").unwrap().1.to_owned();
            (r["incident"].as_str(), detail)
        })
        .collect();
    // USDA 3c(5): no return to normal operation without ACIO CS approval;
    // without an answer within one working day (the end of Tuesday for a
    // Monday request) the agency may restore it itself.
    let unapproved = |at: &str| {
        format!(
            "`restored` at {at} has no `restore_decision` at or before it, and no breach of `restore-decision` permitted it by then (USDA 3c(5) (recovery operations))"
        )
    };
    assert_eq!(
        quality,
        vec![
            ("R-TOO-SOON", unapproved("2026-11-16T12:00:00-05:00")),
            ("R-NEVER-ASKED", unapproved("2026-11-16T12:00:00-05:00")),
        ]
    );
    assert_status(
        finding(&rows, "R-NO-ANSWER", "restore-decision"),
        "overdue",
        "-18000",
        "8",
    );
}

#[test]
fn an_incident_closed_twice_and_other_inconsistent_records_are_data_quality_findings() {
    let rows = parse_csv(&audit_ok(&["--as-of", CANCELLATION_AS_OF, DATA_QUALITY]));
    let quality: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["kind"] == "data-quality" && r["incident"] != "Q-OUT-OF-ORDER")
        .map(|r| {
            assert_eq!(r["status"], "data-quality");
            (r["incident"].as_str(), r["detail"].as_str())
        })
        .collect();
    assert_eq!(
        quality,
        vec![
            (
                "Q-CLOSED-TWICE",
                "fixtures/audit/data-quality.csv:10: closed twice: `closed` at 2026-10-09T09:00:00-04:00 after `closed` at 2026-10-08T09:00:00-04:00"
            ),
            (
                "Q-CLOSED-TWICE",
                "fixtures/audit/data-quality.csv:11: closed twice: `cancelled` at 2026-10-10T09:00:00-04:00 after `closed` at 2026-10-08T09:00:00-04:00"
            ),
            (
                "Q-DUPLICATE",
                "fixtures/audit/data-quality.csv:13: `declared` at 2026-10-12T09:00:00-04:00 is recorded twice"
            ),
            (
                "Q-ATTRIBUTE",
                "fixtures/audit/data-quality.csv:17: attribute `agency` is APHIS here but FS earlier; the first value is used"
            ),
        ]
    );
    // The first closure counts.
    let closed = finding(&rows, "Q-CLOSED-TWICE", "open-15-days");
    assert_eq!(closed["end_at"], "2026-10-08T09:00:00-04:00");
    assert_eq!(
        finding(&rows, "Q-ATTRIBUTE", "open-15-days")["agency"],
        "FS"
    );
}

#[test]
fn a_history_without_the_incident_at_and_event_columns_is_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(&history, "id,when,what\nINC-1,2026-10-01 09:00,declared\n").unwrap();
    let run = audit(&["--as-of", END_OF_Q1, history.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("line 1: a history needs the columns `incident`, `at` and `event`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_as_of_time_is_a_usage_error() {
    let run = audit(&["--as-of", "next tuesday", USDA_HISTORY]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: --as-of: "), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

// --- Policy exceptions ----------------------------------------------------------

/// The exception findings of the shipped exceptions file, as of `as_of`.
fn exception_findings(as_of: &str) -> Vec<Row> {
    parse_csv(&audit_ok(&[
        "--as-of",
        as_of,
        "--exceptions",
        EXCEPTIONS,
        OPEN_INCIDENT,
    ]))
    .into_iter()
    .filter(|r| r["kind"] == "exception")
    .collect()
}

fn exception<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["incident"] == id)
        .unwrap_or_else(|| panic!("no finding for {id}: {rows:?}"))
}

#[test]
fn every_granted_exception_owes_a_poam_with_the_gpe_notation() {
    let dir = tempfile::tempdir().unwrap();
    let poam = dir.path().join("poam.csv");
    audit_ok(&[
        "--as-of",
        END_OF_Q1,
        "--poam",
        poam.to_str().unwrap(),
        "--exceptions",
        EXCEPTIONS,
        OPEN_INCIDENT,
    ]);
    let items: Vec<Row> = parse_csv(&read(&poam))
        .into_iter()
        .filter(|p| p["Source"] == "Granted Policy Exception")
        .collect();
    let ids: Vec<&str> = items.iter().map(|p| p["Identifier"].as_str()).collect();
    assert_eq!(ids, ["GPE-01", "GPE-02", "GPE-03", "GPE-04"]);
    for item in &items {
        assert_eq!(item["POA&M ID"], format!("POAM-GPE-{}", item["Identifier"]));
        assert!(item["Weakness"].starts_with("GPE: "), "{item:?}");
        assert!(
            item["Comments"] == "GPE" || item["Comments"].starts_with("GPE; "),
            "{item:?}"
        );
        assert_eq!(item["Citation"], "USDA 2 (Policy Exception Requirements)");
    }
    let status = |id: &str| {
        let item = items.iter().find(|p| p["Identifier"] == id).unwrap();
        (
            item["Status"].clone(),
            item["Scheduled Completion Date"].clone(),
        )
    };
    assert_eq!(status("GPE-01"), ("Ongoing".into(), "2027-09-30".into()));
    assert_eq!(status("GPE-03"), ("Delayed".into(), "2026-09-30".into()));
}

#[test]
fn an_interim_exception_expires_on_30_september_of_its_fiscal_year() {
    // GPE-01 was approved on 15 October 2026 (FY2027) with no expiry.
    let rows = exception_findings("2027-09-30T23:00:00-04:00");
    let interim = exception(&rows, "GPE-01");
    assert_eq!(interim["status"], "active");
    assert_eq!(interim["start_at"], "2026-10-15");
    assert_eq!(interim["due_at"], "2027-09-30");
    let rows = exception_findings("2027-10-01T00:00:00-04:00");
    let interim = exception(&rows, "GPE-01");
    assert_eq!(interim["status"], "expired");
    assert!(
        interim["detail"].ends_with("; expired on 2027-09-30"),
        "{interim:?}"
    );
}

#[test]
fn an_exception_past_its_expiry_is_an_expired_finding() {
    let rows = exception_findings(END_OF_Q1);
    let expired = exception(&rows, "GPE-03");
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["agency"], "NRCS");
    assert_eq!(
        expired["citation"],
        "USDA 2 (Policy Exception Requirements)"
    );
    assert_eq!(expired["due_at"], "2026-09-30");
    assert_eq!(
        expired["detail"],
        "Investigate low events within three working days (USDA 3b(3)) (ACIO CS approved 2025-11-03); expired on 2026-09-30"
    );
    assert_eq!(exception(&rows, "GPE-01")["status"], "active");
}

#[test]
fn an_exception_extended_past_the_fiscal_year_without_the_usda_cio_is_an_unapproved_extension() {
    let rows = exception_findings(END_OF_Q1);
    let unapproved = exception(&rows, "GPE-02");
    assert_eq!(unapproved["status"], "unapproved-extension");
    // It lapses with the fiscal year, whatever expiry it was given.
    assert_eq!(unapproved["due_at"], "2027-09-30");
    assert!(
        unapproved["detail"].contains(
            "extended past the fiscal year (ending 2027-09-30) to 2028-03-31 without the approval of USDA CIO (approved by ACIO CS)"
        ),
        "{unapproved:?}"
    );
    // The same extension approved by the USDA CIO stands.
    let approved = exception(&rows, "GPE-04");
    assert_eq!(approved["status"], "active");
    assert_eq!(approved["due_at"], "2027-12-31");
}

// --- Exit statuses and quarters -------------------------------------------------

#[test]
fn fail_on_breach_exits_1_when_a_deadline_is_breached_and_0_otherwise() {
    let with_breach = audit(&["--fail-on", "breach", "--as-of", END_OF_Q1, USDA_HISTORY]);
    assert_eq!(with_breach.code, 1, "{}", with_breach.stderr);
    assert!(
        with_breach.stdout.contains(",breached,"),
        "findings are still written"
    );
    // INC-2001 is overdue on 20 October but nothing is breached.
    let overdue_only = audit(&[
        "--fail-on",
        "breach",
        "--as-of",
        "2026-10-20T12:00:00-04:00",
        OPEN_INCIDENT,
    ]);
    assert_eq!(overdue_only.code, 0, "{}", overdue_only.stderr);
    // Without --fail-on a breach is not a failure.
    assert_eq!(audit(&["--as-of", END_OF_Q1, USDA_HISTORY]).code, 0);
}

#[test]
fn fail_on_overdue_exits_1_when_a_deadline_is_overdue_and_0_otherwise() {
    let args = |as_of| audit(&["--fail-on", "overdue", "--as-of", as_of, OPEN_INCIDENT]).code;
    assert_eq!(args("2026-10-20T12:00:00-04:00"), 1);
    // Before the 15 days are up the deadline is pending.
    assert_eq!(args("2026-10-10T12:00:00-04:00"), 0);
    // Breaches alone do not fail --fail-on overdue: the DOC fixture has one
    // late step and nothing open.
    let doc = audit(&[
        "--rules",
        "rules/doc",
        "--fail-on",
        "overdue",
        "--as-of",
        "2026-11-04T00:00:00-05:00",
        DOC_EVENT,
    ]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    // Both kinds may be asked for.
    let both = audit(&[
        "--rules",
        "rules/doc",
        "--fail-on",
        "overdue",
        "--fail-on",
        "breach",
        "--as-of",
        "2026-11-04T00:00:00-05:00",
        DOC_EVENT,
    ]);
    assert_eq!(both.code, 1);
}

#[test]
fn fy2027q1_is_october_to_december_2026() {
    let stdout = audit_ok(&[
        "--quarter",
        "FY2027Q1",
        "--as-of",
        END_OF_Q1,
        "--format",
        "md",
        USDA_HISTORY,
    ]);
    assert_eq!(
        stdout.lines().next(),
        Some("# Incident response compliance: FY2027 Q1 (2026-10-01 to 2026-12-31)")
    );
    // Every deadline of the history falls due in October to December 2026.
    let all = parse_csv(&audit_ok(&["--as-of", END_OF_Q1, USDA_HISTORY]));
    let q1 = parse_csv(&audit_ok(&[
        "--quarter",
        "FY2027Q1",
        "--as-of",
        END_OF_Q1,
        USDA_HISTORY,
    ]));
    assert_eq!(q1, all);
}

#[test]
fn a_quarter_selects_only_deadlines_due_in_it_and_exceptions_in_force_during_it() {
    // July to September 2026: no deadline of the history is due then; only
    // GPE-03 (approved November 2025, lapsed 30 September 2026) was in force.
    let rows = parse_csv(&audit_ok(&[
        "--quarter",
        "FY2026Q4",
        "--as-of",
        END_OF_Q1,
        "--exceptions",
        EXCEPTIONS,
        USDA_HISTORY,
    ]));
    let ids: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["incident"].as_str(), r["kind"].as_str()))
        .collect();
    assert_eq!(ids, vec![("GPE-03", "exception")]);
}

#[test]
fn a_bad_quarter_is_a_usage_error() {
    for (quarter, message) in [
        (
            "FY2027Q5",
            "error: --quarter: \"FY2027Q5\": the quarter must be 1-4, as in FY2027Q1",
        ),
        (
            "2027Q1",
            "error: --quarter: \"2027Q1\" is not a fiscal quarter such as FY2027Q1 (October to December 2026)",
        ),
    ] {
        let run = audit(&["--quarter", quarter, "--as-of", END_OF_Q1, USDA_HISTORY]);
        assert_eq!(run.code, 2, "{quarter}");
        assert_eq!(run.stderr.trim_end(), message);
        assert_eq!(run.stdout, "");
    }
}

// --- Determinism ----------------------------------------------------------------

#[test]
fn two_runs_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let run = |n: u32, format: &str| {
        let out = dir.path().join(format!("out-{n}.{format}"));
        let poam = dir.path().join(format!("poam-{n}-{format}.csv"));
        audit_ok(&[
            "--quarter",
            "FY2027Q1",
            "--as-of",
            END_OF_Q1,
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
            "--poam",
            poam.to_str().unwrap(),
            "--exceptions",
            EXCEPTIONS,
            USDA_HISTORY,
            DATA_QUALITY,
        ]);
        (std::fs::read(out).unwrap(), std::fs::read(poam).unwrap())
    };
    for format in ["csv", "jsonl", "md"] {
        let (first, first_poam) = run(1, format);
        let (second, second_poam) = run(2, format);
        assert!(!first.is_empty() && !first_poam.is_empty());
        assert_eq!(first, second, "{format} output differs between runs");
        assert_eq!(first_poam, second_poam, "POA&M file differs between runs");
    }
}

#[test]
fn a_deadline_still_overdue_stays_in_the_next_quarters_report() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(
        &history,
        "incident,at,event,agency,level,category\n\
         OLD-OPEN,2026-09-21 09:00,declared,FS,high,break-in\n\
         OLD-DONE,2026-09-21 09:00,declared,FS,high,break-in\n\
         OLD-DONE,2026-09-21 10:00,responded,,,\n",
    )
    .unwrap();
    let q1 = parse_csv(&audit_ok(&[
        "--quarter",
        "FY2027Q1",
        "--as-of",
        END_OF_Q1,
        history.to_str().unwrap(),
    ]));
    let response = |incident: &str| {
        q1.iter()
            .find(|r| r["incident"] == incident && r["rule"] == "response-12h")
            .map(|r| (r["status"].as_str(), r["due_at"].as_str()))
    };
    // Due in FY2026 Q4 and never met: still owed at the end of Q1.
    assert_eq!(
        response("OLD-OPEN"),
        Some(("overdue", "2026-09-21T21:00:00-04:00"))
    );
    // Met in Q4: that quarter's business, not Q1's.
    assert_eq!(response("OLD-DONE"), None);
}

//! Nothing lost: for every input fixture and every real IDS sample, the
//! records docket reads equal the records in the file (counted here
//! independently of docket's readers), and every one of them comes out
//! classified, rejected (in the rejects file, with its reason) or skipped.

use std::path::{Path, PathBuf};

mod common;
use common::{repo, run, summary};

/// How to count a file's records without docket.
#[derive(Clone, Copy, Debug)]
enum Count {
    /// CSV with a header row: its data records (quoted newlines included).
    CsvRecords,
    /// One record per non-blank line (JSON lines, EVE lines, Snort).
    Lines,
    /// One JSON array: its elements.
    ArrayElements,
}

impl Count {
    fn of(self, path: &Path) -> u64 {
        let text = std::fs::read_to_string(path).expect("a readable UTF-8 file");
        match self {
            Count::CsvRecords => csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(text.as_bytes())
                .byte_records()
                .count() as u64,
            Count::Lines => text.lines().filter(|l| !l.trim().is_empty()).count() as u64,
            Count::ArrayElements => serde_json::from_str::<Vec<serde_json::Value>>(&text)
                .expect("a JSON array")
                .len() as u64,
        }
    }
}

const CUSTOM_COLUMNS: &str =
    "seconds,src_addr,src_port,dst_addr,dst_port,proto,gid,sid,priority,class,msg";
const HONEYPOT_COLUMNS: &str = "timestamp,proto,msg,src,srcport,dst,dstport";
const CICIDS_COLUMNS_10: &str =
    "seconds,timestamp,src_addr,src_port,dst_addr,dst_port,proto,gid,sid,msg";
const CICIDS_COLUMNS_9: &str = "seconds,src_addr,src_port,dst_addr,dst_port,proto,gid,sid,msg";

/// Every classify input fixture, with how to count it and the options it
/// needs. A fixture missing here fails the test below.
const CLASSIFY_FIXTURES: &[(&str, Count, &[&str])] = &[
    ("canonical.jsonl", Count::Lines, &[]),
    ("complaints.csv", Count::CsvRecords, &[]),
    ("every-category.csv", Count::CsvRecords, &[]),
    ("rejects.csv", Count::CsvRecords, &[]),
    (
        "snort3-custom.csv",
        Count::Lines,
        &["--snort-columns", CUSTOM_COLUMNS],
    ),
    ("snort3-default.csv", Count::Lines, &[]),
    ("suricata-eve-array.json", Count::ArrayElements, &[]),
    ("suricata-eve.json", Count::Lines, &[]),
];

const REAL_SAMPLES: &[(&str, Count, &[&str])] = &[
    (
        "suricata_eve_alerts_wrccdc2018.json",
        Count::ArrayElements,
        &[],
    ),
    (
        "suricata_eve_malware_pcap_2022-02-23.ndjson",
        Count::Lines,
        &[],
    ),
    (
        "snort_alert_csv_honeypot_2017-07-11.csv",
        Count::Lines,
        &["--snort-columns", HONEYPOT_COLUMNS],
    ),
    (
        "snort3_alert_csv_cicids2017_tue.txt",
        Count::Lines,
        &[
            "--snort-columns",
            CICIDS_COLUMNS_10,
            "--snort-columns",
            CICIDS_COLUMNS_9,
        ],
    ),
];

/// Classifies `path` and checks that every record is accounted for, in the
/// summary and in the two output files.
fn assert_accounted(path: &Path, count: Count, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let rejects = dir.path().join("rejects.csv");
    let mut args = vec![
        "classify",
        "--format",
        "jsonl",
        "-o",
        out.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    let r = run(&args);
    assert_eq!(r.code, 0, "{}: {}", path.display(), r.stderr);
    let s = summary(&r.stderr);
    let name = path.display();
    assert_eq!(
        s.read,
        count.of(path),
        "{name}: every record in the file is read"
    );
    let rows = std::fs::read_to_string(&out).unwrap().lines().count() as u64;
    assert_eq!(
        rows, s.classified,
        "{name}: one output row per classified record"
    );
    let rejected = csv::Reader::from_path(&rejects).unwrap().records().count() as u64;
    assert_eq!(
        rejected, s.rejected,
        "{name}: one rejects row per rejected record"
    );
}

#[test]
fn every_classify_fixture_accounts_for_every_record() {
    let dir = repo().join("fixtures/classify");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<&str> = CLASSIFY_FIXTURES.iter().map(|(name, ..)| *name).collect();
    assert_eq!(files, listed, "every fixture is listed here");
    for (name, count, extra) in CLASSIFY_FIXTURES {
        assert_accounted(&dir.join(name), *count, extra);
    }
}

#[test]
fn every_real_ids_sample_accounts_for_every_record() {
    let dir = repo().join("../shared/realdata");
    for (name, count, extra) in REAL_SAMPLES {
        let path = dir.join(name);
        assert!(path.is_file(), "{} is missing", path.display());
        assert_accounted(&path, *count, extra);
    }
}

/// Every history fixture, found recursively under `fixtures/audit`.
fn history_fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.file_name().is_some_and(|n| n != "exceptions.csv") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo().join("fixtures/audit"), &mut out);
    out.sort();
    out
}

#[test]
fn every_history_fixture_accounts_for_every_row() {
    let pattern = regex::Regex::new(r"(?m)^read (\d+) rows: .*; rejected (\d+)$").unwrap();
    let histories = history_fixtures();
    assert!(histories.len() >= 15, "{histories:?}");
    for path in histories {
        let dir = tempfile::tempdir().unwrap();
        let rejects = dir.path().join("rejects.csv");
        let rules = if path.to_string_lossy().contains("doc-") {
            "rules/doc"
        } else {
            "rules/usda"
        };
        let r = run(&[
            "audit",
            "--rules",
            rules,
            "--as-of",
            "2026-12-31T00:00:00Z",
            "--rejects",
            rejects.to_str().unwrap(),
            path.to_str().unwrap(),
        ]);
        let name = path.display();
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let found = pattern
            .captures(&r.stderr)
            .unwrap_or_else(|| panic!("{name}: no summary in {}", r.stderr));
        let count = if path.extension().is_some_and(|e| e == "jsonl") {
            Count::Lines
        } else {
            Count::CsvRecords
        };
        assert_eq!(
            found[1].parse::<u64>().unwrap(),
            count.of(&path),
            "{name}: rows read"
        );
        let rejected = csv::Reader::from_path(&rejects).unwrap().records().count();
        assert_eq!(
            found[2].parse::<usize>().unwrap(),
            rejected,
            "{name}: rejects"
        );
    }
}

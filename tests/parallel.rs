//! `classify --threads N`: the output, the rejects, the warnings and the
//! summary are byte for byte the same for any number of threads, on the
//! fixtures and on an input long enough to be split into many chunks.

use std::path::Path;

mod common;
use common::{Run, docket, repo};

const THREADS: [&str; 3] = ["1", "2", "4"];
/// How many times the long input repeats the fixture.
const COPIES: usize = 400;

/// `docket classify ARGS` in `dir` with `--threads N`.
fn classify_in(dir: &Path, threads: &str, args: &[&str]) -> Run {
    let rules = repo().join("rules/usda");
    let mut command = docket();
    command
        .current_dir(dir)
        .args(["classify", "--threads", threads, "--rules"])
        .arg(rules)
        .args(args);
    Run::of(&mut command)
}

/// Runs `args` with 1, 2 and 4 threads and checks that every run printed
/// the same; returns the one-thread run. `files` are output files compared
/// too.
fn same_for_any_thread_count(dir: &Path, args: &[&str], files: &[&str]) -> Run {
    let mut first: Option<(Run, Vec<Vec<u8>>)> = None;
    for threads in THREADS {
        let run = classify_in(dir, threads, args);
        let written: Vec<Vec<u8>> = files
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
            .collect();
        match &first {
            None => first = Some((run, written)),
            Some((one, one_written)) => {
                assert_eq!(
                    run.code, one.code,
                    "{args:?}: exit code with {threads} threads"
                );
                assert!(
                    run.stdout == one.stdout,
                    "{args:?}: stdout differs with {threads} threads"
                );
                assert_eq!(
                    run.stderr, one.stderr,
                    "{args:?}: stderr with {threads} threads"
                );
                assert!(
                    written == *one_written,
                    "{args:?}: {files:?} differ with {threads} threads"
                );
            }
        }
    }
    first.map(|(run, _)| run).expect("at least one run")
}

/// Every row of the every-category fixture [`COPIES`] times over (many
/// chunks), ids made unique, with unreadable rows, rows of the wrong width
/// and repeated ids among them.
fn long_input(dir: &Path) -> String {
    let fixture = std::fs::read_to_string(repo().join("fixtures/classify/every-category.csv"))
        .expect("the fixture");
    let mut lines = fixture.lines();
    let header = lines.next().expect("a header");
    let width = header.split(',').count();
    let body: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    let mut text = format!("{header}\n");
    for copy in 0..COPIES {
        for (i, line) in body.iter().enumerate() {
            let (_, rest) = line.split_once(',').expect("an id column");
            text.push_str(&format!("R{copy}-{i},{rest}\n"));
            if (copy * body.len() + i) % 997 == 0 {
                text.push_str("bad,2026-13-45 99:00,helpdesk\n");
                text.push_str(&format!(
                    "bad-code,2026-11-02 09:00,nobody{}\n",
                    ",".repeat(width - 3)
                ));
            }
        }
        if copy % 50 == 0 {
            // The same id twice: both declared, one incident number.
            text.push_str(&format!(
                "dup,2026-11-02 09:00,,helpdesk,,break-in{}\n",
                ",".repeat(width - 6)
            ));
        }
    }
    std::fs::write(dir.join("long.csv"), &text).expect("written");
    text
}

#[test]
fn the_fixtures_classify_the_same_with_any_number_of_threads() {
    let dir = repo();
    for (fixture, format) in [
        ("fixtures/classify/every-category.csv", "csv"),
        ("fixtures/classify/every-category.csv", "jsonl"),
        ("fixtures/classify/complaints.csv", "csv"),
        ("fixtures/classify/canonical.jsonl", "jsonl"),
        ("fixtures/classify/suricata-eve.json", "jsonl"),
        ("fixtures/classify/suricata-eve-array.json", "csv"),
        ("fixtures/classify/snort3-default.csv", "jsonl"),
        ("fixtures/classify/rejects.csv", "csv"),
    ] {
        let run = same_for_any_thread_count(dir, &["--format", format, fixture], &[]);
        assert_eq!(run.code, 0, "{fixture}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
    }
}

#[test]
fn a_long_input_with_rejects_and_duplicates_classifies_the_same_with_any_number_of_threads() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = long_input(dir.path());
    let rows = text.lines().count() - 1;
    assert!(rows > 4 * docket::classify::batch::CHUNK_ROWS);
    for format in ["csv", "jsonl"] {
        let args = [
            "--format",
            format,
            "-o",
            "out",
            "--rejects",
            "rejects.csv",
            "long.csv",
            "long.csv",
        ];
        let run = same_for_any_thread_count(dir.path(), &args, &["out", "rejects.csv"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let out = std::fs::read_to_string(dir.path().join("out")).expect("the output");
        let rejects = std::fs::read_to_string(dir.path().join("rejects.csv")).expect("rejects");
        let rejected = rejects.lines().count() - 1;
        let written = out.lines().count() - usize::from(format == "csv");
        // Every row of both inputs is accounted for, in input order.
        assert_eq!(written + rejected, 2 * rows);
        assert!(rejected > 0);
        assert!(
            run.stderr.contains(&format!("read {}:", 2 * rows)),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("record `dup` gets incident number"),
            "{}",
            run.stderr
        );
        if format == "csv" {
            let ids: Vec<&str> = out
                .lines()
                .skip(1)
                .filter_map(|l| l.split(',').next())
                .collect();
            assert_eq!(ids.first(), Some(&"R0-0"));
            let position = |id: &str| ids.iter().position(|i| *i == id);
            assert!(position("R0-5") < position("R1-0"));
            assert!(position("R100-0") < position("R399-0"));
        }
    }
    // Rejects on stderr (no --rejects file), and --strict stopping at the
    // first one with the rows before it written.
    same_for_any_thread_count(dir.path(), &["long.csv"], &[]);
    let strict = same_for_any_thread_count(dir.path(), &["--strict", "long.csv"], &[]);
    assert_eq!(strict.code, 2);
    assert!(strict.stderr.contains("long.csv:3:"), "{}", strict.stderr);
    assert_eq!(
        strict.stdout.lines().count(),
        2,
        "the header and the row before the reject"
    );
}

#[test]
fn threads_must_be_at_least_one() {
    let run = Run::of(docket().args([
        "classify",
        "--threads",
        "0",
        "fixtures/classify/complaints.csv",
    ]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);
}

/// A Suricata EVE log of many chunks, its lines parsed by the workers:
/// alerts, other events, broken and blank lines, the same for any number
/// of threads and counted in full.
#[test]
fn a_long_eve_log_classifies_the_same_with_any_number_of_threads() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fixture = std::fs::read_to_string(repo().join("fixtures/classify/suricata-eve.json"))
        .expect("the fixture");
    let events: Vec<&str> = fixture.lines().filter(|l| !l.trim().is_empty()).collect();
    let alerts = events
        .iter()
        .filter(|l| l.contains("\"event_type\":\"alert\""))
        .count();
    assert!(
        alerts > 0 && alerts < events.len(),
        "{alerts} of {}",
        events.len()
    );
    let mut text = String::new();
    let copies = 300;
    for copy in 0..copies {
        for event in &events {
            text.push_str(event);
            text.push_str(if copy % 2 == 0 { "\n" } else { "\r\n" });
        }
        if copy % 40 == 0 {
            text.push_str("{\"event_type\":\"alert\",\"src_ip\":\n\n");
        }
    }
    std::fs::write(dir.path().join("eve.json"), &text).expect("written");
    assert!(copies * events.len() > 4 * docket::classify::batch::CHUNK_ROWS);
    let args = ["-o", "out", "--rejects", "rejects.csv", "eve.json"];
    let run = same_for_any_thread_count(dir.path(), &args, &["out", "rejects.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rejects = std::fs::read_to_string(dir.path().join("rejects.csv")).expect("rejects");
    assert_eq!(rejects.lines().count() - 1, copies.div_ceil(40));
    let out = std::fs::read_to_string(dir.path().join("out")).expect("the output");
    assert_eq!(out.lines().count() - 1, copies * alerts);
    let read = copies * events.len() + copies.div_ceil(40);
    let skipped = copies * (events.len() - alerts);
    assert!(
        run.stderr
            .contains(&format!("read {read}: classified {}", copies * alerts))
            && run.stderr.contains(&format!("skipped {skipped}")),
        "{}",
        run.stderr
    );
}

//! What the integration tests share: the repository root, and running the
//! built `docket` from it so that the paths in its output are relative and
//! the same on every machine.

// Each test crate uses the part it needs.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub mod planning;
pub mod records;

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `docket`, run from the repository root, without colours.
pub fn docket() -> Command {
    let mut command = Command::cargo_bin("docket").expect("the docket binary is built");
    command.current_dir(repo()).env("NO_COLOR", "1");
    command
}

/// What one run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `command` to the end.
    pub fn of(command: &mut Command) -> Run {
        let output = command.output().expect("docket runs");
        Run {
            code: output.status.code().expect("docket exits with a status"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// `docket ARGS...` from the repository root.
pub fn run(args: &[&str]) -> Run {
    Run::of(docket().args(args))
}

/// The summary line `classify` prints on stderr, checked to add up
/// (read = classified + rejected + skipped; the levels sum to classified).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub read: u64,
    pub classified: u64,
    pub levels: BTreeMap<String, u64>,
    pub declared: u64,
    pub review: u64,
    pub in_gap: u64,
    pub missing_value: u64,
    pub unallocated: u64,
    pub rejected: u64,
    pub skipped: u64,
}

pub fn summary(stderr: &str) -> Summary {
    let pattern = regex::Regex::new(
        r"(?m)^read (\d+): classified (\d+) \(([^)]*)\); declared (\d+), review (\d+), in a policy gap (\d+), missing a deciding value (\d+); unallocated (\d+); rejected (\d+); skipped (\d+)$",
    )
    .expect("a valid pattern");
    let found = pattern
        .captures(stderr)
        .unwrap_or_else(|| panic!("no summary on stderr:\n{stderr}"));
    let n = |i: usize| found[i].parse::<u64>().expect("a count");
    let levels = found[3]
        .split(", ")
        .map(|part| {
            let (level, count) = part.rsplit_once(' ').expect("`level count`");
            (level.to_owned(), count.parse().expect("a count"))
        })
        .collect();
    let summary = Summary {
        read: n(1),
        classified: n(2),
        levels,
        declared: n(4),
        review: n(5),
        in_gap: n(6),
        missing_value: n(7),
        unallocated: n(8),
        rejected: n(9),
        skipped: n(10),
    };
    assert_eq!(
        summary.read,
        summary.classified + summary.rejected + summary.skipped,
        "read = classified + rejected + skipped in {summary:?}"
    );
    assert_eq!(
        summary.levels.values().sum::<u64>(),
        summary.classified,
        "the levels add up to the classified records in {summary:?}"
    );
    summary
}

/// A copy of a shipped ruleset directory (`rules/usda`) in `dir`.
pub fn copy_ruleset(dir: &Path, ruleset: &str) -> PathBuf {
    let copy = dir.join(ruleset.rsplit('/').next().expect("a ruleset path"));
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(repo().join(ruleset)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    copy
}

/// Replaces the first `from` after `after` in `file` of a ruleset copy,
/// failing the test when the text is not there (so a test cannot pass
/// because its edit silently did nothing).
pub fn edit_ruleset(ruleset: &Path, file: &str, after: &str, from: &str, to: &str) {
    let target = ruleset.join(file);
    let text = std::fs::read_to_string(&target).unwrap();
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("{file} holds `{after}`"));
    let at = start
        + text[start..]
            .find(from)
            .unwrap_or_else(|| panic!("{file} holds `{from}`"));
    std::fs::write(
        &target,
        format!("{}{to}{}", &text[..at], &text[at + from.len()..]),
    )
    .unwrap();
}

/// One CSV row as column name -> value.
pub type Row = std::collections::BTreeMap<String, String>;

/// Parses CSV text (findings, rejects, plans...) into rows.
pub fn parse_csv(text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header row").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("a well-formed CSV row");
            header
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

//! What the integration tests share: the repository root, and running the
//! built `docket` from it so that the paths in its output are relative and
//! the same on every machine.

// Each test crate uses the part it needs.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;

pub mod planning;

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

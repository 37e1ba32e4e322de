//! The README's examples, run as written.
//!
//! Every command of every `console` block of the README runs here, with
//! `cargo run [--release] --` and `docket` standing for the built binary,
//! in a scratch directory that sees the repository's `rules/` and
//! `fixtures/` (so an example that writes a file, such as `--poam
//! poam.csv`, leaves nothing behind). Each must exit as the README implies
//! (0, unless listed in [`EXIT_STATUS`]) without panicking, and print the
//! output the README shows: the lines after the command in its block, or
//! the `text`, `markdown` or `csv` block right after a block of one
//! command. A line `...` in shown output stands for lines left out; the
//! lines between two such elisions must appear together, in order.
//!
//! A new example is covered without touching this file; one that cannot
//! run here (the tests themselves, the benchmarks) must be named in
//! [`NOT_RUN`] with the reason.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Commands (by their start) that are not run here, and why.
const NOT_RUN: &[(&str, &str)] = &[
    ("cargo test", "this is the test run"),
    ("cargo bench", "a benchmark, run by hand"),
    ("bash benches/", "a benchmark, run by hand"),
    ("ROWS=", "a benchmark, run by hand"),
    ("fuzz/run.sh", "needs the nightly toolchain and cargo-fuzz"),
];

/// Examples whose documented exit status is not 0, by a part of their
/// command: `check` of a roster with an error exits 1.
const EXIT_STATUS: &[(&str, i32)] = &[("roster-missing-contact.yaml", 1)];

/// One command of the README and the output it shows.
#[derive(Debug)]
struct Example {
    /// The README line the command starts on.
    line: usize,
    /// The command as a shell reads it (continuation lines included).
    command: String,
    /// The output the README shows, `...` for lines left out.
    shown: Vec<String>,
}

/// The examples of `readme`, in order.
fn examples(readme: &str) -> Vec<Example> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut examples: Vec<Example> = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        if lines[at].trim_end() != "```console" {
            at += 1;
            continue;
        }
        let first = examples.len();
        at += 1;
        while at < lines.len() && !lines[at].starts_with("```") {
            let line = lines[at];
            if let Some(command) = line.strip_prefix("$ ") {
                let mut command = command.to_owned();
                let start = at + 1;
                while command.ends_with('\\') && at + 1 < lines.len() {
                    at += 1;
                    command.push('\n');
                    command.push_str(lines[at]);
                }
                examples.push(Example {
                    line: start,
                    command,
                    shown: Vec::new(),
                });
            } else if examples.len() > first {
                if let Some(example) = examples.last_mut() {
                    example.shown.push(line.to_owned());
                }
            }
            at += 1;
        }
        at += 1;
        // The output block right after a block of one command is its output.
        let mut next = at;
        while next < lines.len() && lines[next].trim().is_empty() {
            next += 1;
        }
        let output_block = ["```text", "```markdown", "```csv"]
            .iter()
            .any(|fence| lines.get(next).is_some_and(|l| l.trim_end() == *fence));
        if output_block && examples.len() == first + 1 {
            let example = &mut examples[first];
            next += 1;
            while next < lines.len() && !lines[next].starts_with("```") {
                example.shown.push(lines[next].to_owned());
                next += 1;
            }
            at = next + 1;
        }
    }
    examples
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory `repo/` with the repository's rules and fixtures,
/// and `shared/` beside it when `../shared` exists.
fn sandbox() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    for name in ["rules", "fixtures"] {
        std::os::unix::fs::symlink(repo().join(name), root.join(name)).unwrap();
    }
    let shared = repo().join("../shared");
    if shared.is_dir() {
        std::os::unix::fs::symlink(shared, dir.path().join("shared")).unwrap();
    }
    (dir, root)
}

/// `command` with the README's ways of running docket replaced by the
/// binary.
fn with_binary(command: &str) -> String {
    let binary = format!("'{}'", env!("CARGO_BIN_EXE_docket"));
    for prefix in ["cargo run --release -- ", "cargo run -- ", "docket "] {
        if let Some(rest) = command.strip_prefix(prefix) {
            return format!("{binary} {rest}");
        }
    }
    command.to_owned()
}

/// Whether `shown` (with `...` elisions) is found in `actual`: each run of
/// lines between elisions appears whole, in order.
fn shows(actual: &[&str], shown: &[String]) -> Result<(), String> {
    let mut from = 0;
    let runs = shown.split(|l| l.trim() == "...");
    for run in runs {
        let run: Vec<&str> = run.iter().map(|l| l.trim_end()).collect();
        let run = trim_blank(&run);
        if run.is_empty() {
            continue;
        }
        let found = (from..=actual.len().saturating_sub(run.len())).find(|&start| {
            actual
                .get(start..start + run.len())
                .is_some_and(|window| window.iter().zip(run).all(|(a, s)| line_shows(a, s)))
        });
        match found {
            Some(start) => from = start + run.len(),
            None => return Err(format!("not found in order:\n{}", run.join("\n"))),
        }
    }
    Ok(())
}

/// Whether `actual` is the line `shown`: the same, or, when `shown` ends
/// in `...` (a line cut short), starting with what comes before it.
fn line_shows(actual: &str, shown: &str) -> bool {
    let actual = actual.trim_end();
    match shown.strip_suffix("...") {
        Some(start) => actual.starts_with(start),
        None => actual == shown,
    }
}

fn trim_blank<'a, 'b>(lines: &'b [&'a str]) -> &'b [&'a str] {
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    &lines[start..end]
}

#[test]
fn every_example_of_the_readme_runs_as_shown() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() > 20, "the README's examples were not found");
    let (_dir, root) = sandbox();
    let has_shared = root.join("../shared").is_dir();
    let mut failures = Vec::new();
    let mut ran = 0;
    for example in &examples {
        if NOT_RUN.iter().any(|(p, _)| example.command.starts_with(p)) {
            continue;
        }
        if example.command.contains("../shared") && !has_shared {
            eprintln!("README line {}: skipped, no ../shared", example.line);
            continue;
        }
        ran += 1;
        let output = Command::new("sh")
            .arg("-c")
            .arg(with_binary(&example.command))
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let expected = EXIT_STATUS
            .iter()
            .find(|(part, _)| example.command.contains(part))
            .map_or(0, |(_, status)| *status);
        let mut problems = Vec::new();
        if output.status.code() != Some(expected) {
            problems.push(format!(
                "exit status {:?}, the README implies {expected}",
                output.status.code()
            ));
        }
        if stderr.contains("panicked") {
            problems.push("panicked".to_owned());
        }
        let actual: Vec<&str> = stdout.lines().chain(stderr.lines()).collect();
        if let Err(problem) = shows(&actual, &example.shown) {
            problems.push(problem);
        }
        if !problems.is_empty() {
            failures.push(format!(
                "README line {}: `{}`\n{}\n--- stdout\n{stdout}--- stderr\n{stderr}",
                example.line,
                example.command,
                problems.join("\n")
            ));
        }
    }
    assert!(ran > 15, "only {ran} examples ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn shown_output_is_matched_in_runs_between_elisions() {
    let actual = ["a", "b", "c", "d"];
    let shown = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(shows(&actual, &shown(&["a", "b"])).is_ok());
    assert!(shows(&actual, &shown(&["a", "...", "d"])).is_ok());
    // Lines not separated by an elision must be adjacent.
    assert!(shows(&actual, &shown(&["a", "c"])).is_err());
    // Runs must come in order.
    assert!(shows(&actual, &shown(&["c", "...", "a"])).is_err());
    assert!(shows(&actual, &shown(&["e"])).is_err());
    // A line cut short matches the lines it starts.
    let long = ["8. **NOAA**: notified", "x"];
    assert!(shows(&long, &shown(&["8. **NOAA**: ...", "x"])).is_ok());
    assert!(shows(&long, &shown(&["8. **NIST**: ...", "x"])).is_err());
}

#[test]
fn commands_continue_over_backslashed_lines_and_output_blocks_attach() {
    let readme = "```console\n$ docket a \\\n    --b\nout 1\n```\n\n```text\nout 2\n```\n\
                  ```console\n$ docket c\n$ docket d\n```\n```text\nnot theirs\n```\n";
    let examples = examples(readme);
    let commands: Vec<&str> = examples.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["docket a \\\n    --b", "docket c", "docket d"]);
    assert_eq!(examples[0].shown, ["out 1", "out 2"]);
    assert!(examples[1].shown.is_empty() && examples[2].shown.is_empty());
    assert_eq!(examples[0].line, 2);
}

#[test]
fn the_readmes_ways_of_running_docket_become_the_binary() {
    let binary = env!("CARGO_BIN_EXE_docket");
    for command in [
        "cargo run --release -- check",
        "cargo run -- check",
        "docket check",
    ] {
        assert_eq!(with_binary(command), format!("'{binary}' check"));
    }
    assert_eq!(with_binary("printf x > /tmp/f"), "printf x > /tmp/f");
    assert!(Path::new(binary).exists());
}

//! What several commands share: loading the ruleset and the allocation
//! table, and reporting failures the same way.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::allocation::AllocationTable;
use crate::diagnostic::{self, Diagnostics};
use crate::input::{InputFormat, ReadOptions};
use crate::output::cells::CellEscaping;
use crate::ruleset::{self, Ruleset};
use crate::source::SourceMap;

/// Renders diagnostics to stderr, coloured on a terminal.
pub fn print_diagnostics(diagnostics: &Diagnostics, sources: &SourceMap) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let style = if color {
        diagnostic::Format::Human
    } else {
        diagnostic::Format::Plain
    };
    eprint!("{}", diagnostic::render(diagnostics, sources, style));
}

/// Loads a ruleset for a command that applies it; on errors, prints them
/// and returns `None` (the command exits 2: its input is unusable).
pub fn load_ruleset(path: Option<PathBuf>) -> Option<Ruleset> {
    let path = super::ruleset_or_default(path);
    if !path.exists() {
        eprintln!("error: no ruleset at {}", path.display());
        return None;
    }
    match ruleset::load(&path) {
        Ok(ruleset) => Some(ruleset),
        Err(error) => {
            print_diagnostics(&error.diagnostics, &error.sources);
            eprintln!(
                "error: the ruleset {} has errors; run `docket check {}`",
                path.display(),
                path.display()
            );
            None
        }
    }
}

/// Loads the allocation table: the one given, or the ruleset's. `Err` holds
/// the message to print.
pub fn load_allocations(
    ruleset: &Ruleset,
    given: Option<&Path>,
) -> Result<Option<Arc<AllocationTable>>, String> {
    let path = match (given, &ruleset.allocations) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(path)) => path.value.clone(),
        (None, None) => return Ok(None),
    };
    AllocationTable::from_path(&path)
        .map(|t| Some(Arc::new(t)))
        .map_err(|e| format!("allocation table: {e}"))
}

/// Reader settings for a ruleset: Snort layouts from `--snort-columns` (each
/// a comma-separated list) or else the ruleset's snort mapping.
pub fn read_options(ruleset: &Ruleset, snort_columns: &[String]) -> ReadOptions {
    let snort_layouts = if snort_columns.is_empty() {
        ruleset
            .mappings
            .iter()
            .find(|m| m.format.value == "snort")
            .map(|m| m.layouts.clone())
            .unwrap_or_default()
    } else {
        snort_columns
            .iter()
            .map(|g| g.split(',').map(|c| c.trim().to_owned()).collect())
            .collect()
    };
    ReadOptions {
        snort_layouts,
        field_names: ruleset
            .fields
            .iter()
            .map(|f| f.name.value.clone())
            .collect(),
    }
}

/// How record inputs are read (`classify`, `explain`, `diff`).
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Input format of every input [default: from name and content]
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Snort alert_csv columns, comma-separated; repeat for several layouts
    /// (a row's column count picks its layout) [default: the ruleset's]
    #[arg(long, value_name = "COLUMNS")]
    pub snort_columns: Vec<String>,
}

impl ReadArgs {
    /// The reader settings for `ruleset`.
    pub fn options(&self, ruleset: &Ruleset) -> ReadOptions {
        read_options(ruleset, &self.snort_columns)
    }
}

/// How many threads a command that reads whole corpora runs on
/// (`classify`, `diff`): their output is the same for any number, so the
/// default is every CPU.
#[derive(Debug, clap::Args)]
pub struct ThreadsArgs {
    /// Threads classifying records; output is the same for any number
    /// [default: one per CPU]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

impl ThreadsArgs {
    /// The number asked for, or one per CPU.
    pub fn count(&self) -> usize {
        self.threads
            .map_or_else(crate::parallel::default_threads, usize::from)
    }
}

/// Spreadsheet safety of the CSV a command writes (see `output::cells`).
#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// Write CSV cells exactly as they are, without the leading `'` that
    /// keeps spreadsheets from running `=`, `+`, `-`, `@` cells as formulas
    #[arg(long)]
    pub raw_csv: bool,
}

impl CsvArgs {
    /// The escaping the flag asks for.
    pub fn escaping(&self) -> CellEscaping {
        CellEscaping::from_raw_flag(self.raw_csv)
    }
}

/// Reads a time given on the command line (`--as-of`): RFC 3339, or a
/// naive local time in the ruleset's zone.
pub fn parse_time(
    flag: &str,
    text: &str,
    tz: chrono_tz::Tz,
) -> Result<chrono::DateTime<chrono::Utc>, String> {
    crate::record::parse_timestamp(text, tz)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{flag}: {e}"))
}

/// The CI report files a `check` or `test` run may write.
#[derive(Debug, Default, clap::Args)]
pub struct CiFiles {
    /// Also write a JUnit XML report to FILE
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write a SARIF 2.1.0 log to FILE
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
}

impl CiFiles {
    /// Writes the requested files, each whole or not at all.
    pub fn write(
        &self,
        suite: &crate::output::ci::Suite,
        diagnostics: &Diagnostics,
        sources: &SourceMap,
    ) -> Result<(), String> {
        use crate::output::ci::{junit, sarif};
        if let Some(path) = &self.junit {
            write_whole(path, &junit::render(suite))?;
        }
        if let Some(path) = &self.sarif {
            let log = sarif::render(diagnostics, sources);
            write_whole(path, &format!("{log:#}\n"))?;
        }
        Ok(())
    }
}

/// Writes `text` to `path` through a temporary file renamed into place.
fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let destination = crate::output::Destination::File(path.to_path_buf());
    let mut sink = crate::output::Sink::open(&destination)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    sink.write_all(text.as_bytes())
        .and_then(|()| sink.commit())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

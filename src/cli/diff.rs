//! `docket diff`: what a rule change reclassifies, on a real corpus.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::common::{CsvArgs, ReadArgs, ThreadsArgs};
use super::common::{load_allocations, load_ruleset, parse_time};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::audit::{Auditor, Histories, HistoryReader};
use crate::classify::Classifier;
use crate::diff::deadlines::{self, FindingChange};
use crate::diff::{Change, CorpusDiff, Inputs, Listing};
use crate::output::diff::{ChangeRow, DiffFormat, Report, RowSink, report};
use crate::output::paths::{NamedOutput, check_outputs};
use crate::output::{Destination, Sink};
use crate::ruleset::Ruleset;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The ruleset before the change
    #[arg(long, value_name = "RULESET")]
    base: PathBuf,
    /// The ruleset after the change
    #[arg(long, value_name = "RULESET")]
    head: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Output file (written whole or not at all) [default: stdout]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Exit 1 when a change of this kind is found (repeatable)
    #[arg(long, value_enum, value_name = "KIND")]
    deny: Vec<Deny>,
    /// Incident histories to audit with both rulesets (repeatable)
    #[arg(long = "history", value_name = "FILE")]
    histories: Vec<PathBuf>,
    /// Audit time of the histories [required with --history]
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,
    /// How many changed records the text and Markdown reports list
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_listed: usize,
    /// TSO allocation table for both rulesets [default: each ruleset's own]
    #[arg(long, value_name = "FILE")]
    allocations: Option<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    csv: CsvArgs,
    #[command(flatten)]
    threads: ThreadsArgs,
    /// Records to classify with both rulesets; `-` is stdin
    #[arg(value_name = "CORPUS")]
    corpus: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    /// A record at a less severe level or no longer declared, or a breached
    /// or overdue deadline that the head ruleset lets off
    Downgrade,
    /// Any change at all
    Change,
}

pub fn run(args: DiffArgs) -> u8 {
    if args.corpus.is_empty() && args.histories.is_empty() {
        eprintln!("error: give a CORPUS of records, --history files, or both");
        return EXIT_USAGE;
    }
    let (Some(base), Some(head)) = (
        load_ruleset(Some(args.base.clone())),
        load_ruleset(Some(args.head.clone())),
    ) else {
        return EXIT_USAGE;
    };
    let tables = (
        load_allocations(&base, args.allocations.as_deref()),
        load_allocations(&head, args.allocations.as_deref()),
    );
    let (base_table, head_table) = match tables {
        (Ok(b), Ok(h)) => (b, h),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let base_classifier = Classifier::new(&base, base_table.clone());
    let head_classifier = Classifier::new(&head, head_table.clone());
    let diff = CorpusDiff::new(&base_classifier, &head_classifier);

    if let Some(output) = &args.output {
        let inputs: Vec<&Path> = args
            .corpus
            .iter()
            .chain(&args.histories)
            .map(PathBuf::as_path)
            .collect();
        let named = NamedOutput {
            option: "-o",
            path: output,
        };
        if let Err(message) = check_outputs(&[named], &inputs) {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    }
    let destination = Destination::from_arg(args.output.as_deref());
    let sink = match Sink::open(&destination) {
        Ok(sink) => sink,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            return EXIT_USAGE;
        }
    };
    // Rows are written as changes are found; a report gathers them first.
    let (mut rows, mut report_sink) = if args.format.is_rows() {
        (
            Some(RowSink::new(sink, args.format, args.csv.escaping())),
            None,
        )
    } else {
        (None, Some(sink))
    };
    let mut listed: Vec<Change> = Vec::new();
    let inputs = Inputs {
        paths: &args.corpus,
        format: args.read.input_format,
        // Reader settings are the head's: the proposed rules say how to read.
        options: args.read.options(&head),
        threads: args.threads.count(),
    };
    let (listing, mut on_change): (Listing, Box<dyn FnMut(Change) -> std::io::Result<()>>) =
        match &mut rows {
            Some(rows) => (
                Listing::All,
                Box::new(|change| rows.write(&ChangeRow::record(&change))),
            ),
            None => (
                Listing::First(args.max_listed),
                Box::new(|change| {
                    listed.push(change);
                    Ok(())
                }),
            ),
        };
    let compared = diff.run(&inputs, listing, &mut *on_change);
    drop(on_change);
    let totals = match compared {
        Ok(totals) => totals,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };

    let findings = if args.histories.is_empty() {
        Vec::new()
    } else {
        if args.histories.iter().any(|p| p == Path::new("-")) {
            eprintln!("error: --history cannot be stdin: each ruleset reads the histories itself");
            return EXIT_USAGE;
        }
        let Some(text) = &args.as_of else {
            eprintln!(
                "error: --history needs --as-of, so that both audits judge open deadlines at one time"
            );
            return EXIT_USAGE;
        };
        let as_of = match parse_time("--as-of", text, head.meta.timezone.value) {
            Ok(t) => t,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        };
        let (Some(old), Some(new)) = (
            read_histories(&base, &args.histories),
            read_histories(&head, &args.histories),
        ) else {
            return EXIT_USAGE;
        };
        let base_auditor = Auditor::new(&base, base_table);
        let head_auditor = Auditor::new(&head, head_table);
        deadlines::compare((&base_auditor, old), (&head_auditor, new), as_of)
    };

    let written = match (rows, report_sink.take()) {
        (Some(mut rows), _) => findings
            .iter()
            .try_for_each(|f| rows.write(&ChangeRow::finding(f)))
            .and_then(|()| rows.finish())
            .and_then(Sink::commit),
        (None, Some(mut sink)) => {
            let text = report(
                &Report {
                    base: &args.base.display().to_string(),
                    head: &args.head.display().to_string(),
                    totals: &totals,
                    levels: diff.level_order(),
                    changes: &listed,
                    findings: &findings,
                    histories: !args.histories.is_empty(),
                },
                args.format == DiffFormat::Md,
            );
            sink.write_all(text.as_bytes()).and_then(|()| sink.commit())
        }
        (None, None) => Ok(()),
    };
    if let Err(e) = written {
        eprintln!("error: writing the output: {e}");
        return EXIT_USAGE;
    }
    let t = &totals;
    let relaxed = findings.iter().filter(|f| f.is_relaxation()).count();
    eprintln!(
        "read {}: compared {}, changed {} (downgraded {}, upgraded {}); newly declared {}, no longer declared {}; findings changed {} (let off {})",
        t.read,
        t.compared,
        t.changed,
        t.downgrades,
        t.upgrades,
        t.newly_declared,
        t.no_longer_declared,
        findings.len(),
        relaxed
    );
    if denied(
        &args.deny,
        t.downgrades as usize + relaxed,
        t.changed as usize,
        &findings,
    ) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Whether a `--deny` gate trips.
fn denied(deny: &[Deny], downgrades: usize, changed: usize, findings: &[FindingChange]) -> bool {
    deny.iter().any(|d| match d {
        Deny::Downgrade => downgrades > 0,
        Deny::Change => changed > 0 || !findings.is_empty(),
    })
}

fn read_histories(ruleset: &Ruleset, paths: &[PathBuf]) -> Option<Histories> {
    let mut reader = HistoryReader::new(ruleset);
    for path in paths {
        if let Err(e) = reader.read(path) {
            eprintln!("error: {e}");
            return None;
        }
    }
    let histories = reader.finish();
    if let Some(first) = histories.rejects.first() {
        eprintln!(
            "warning: the ruleset {} cannot use {} history rows (first: {}: {})",
            ruleset.root.display(),
            histories.rejects.len(),
            first.origin,
            first.reason
        );
    }
    Some(histories)
}

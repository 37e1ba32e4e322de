//! `docket classify`: level, declaration, agency and due time of every record.

use std::path::{Path, PathBuf};

use clap::Args;

use super::common::{CsvArgs, ReadArgs, ThreadsArgs};
use super::common::{load_allocations, load_ruleset};
use super::progress::Progress;
use super::{EXIT_OK, EXIT_USAGE};
use crate::classify::Classifier;
use crate::classify::batch::{Batch, Hooks};
use crate::input::Reject;
use crate::output::classification::{RowFormat, RowWriter};
use crate::output::paths::{NamedOutput, check_outputs};
use crate::output::rejects::RejectsWriter;
use crate::output::{Destination, Sink};

/// How many rejects are shown on stderr when there is no `--rejects` file.
const REJECTS_SHOWN: u64 = 20;

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Ruleset directory or file [default: rules/usda]
    #[arg(long = "rules", value_name = "RULESET")]
    rules: Option<PathBuf>,
    /// TSO allocation table (CSV of cidr,agency) [default: the ruleset's]
    #[arg(long, value_name = "FILE")]
    allocations: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RowFormat::Csv)]
    format: RowFormat,
    /// Output file (written whole or not at all) [default: stdout]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Write rejected records here (CSV: file, line, reason, raw)
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Stop at the first rejected record, with its location
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    csv: CsvArgs,
    #[command(flatten)]
    threads: ThreadsArgs,
    /// No progress bar (it is shown only when stderr is a terminal anyway)
    #[arg(short, long)]
    quiet: bool,
    /// Inputs, read in order; `-` is stdin
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
}

pub fn run(args: ClassifyArgs) -> u8 {
    let Some(ruleset) = load_ruleset(args.rules) else {
        return EXIT_USAGE;
    };
    let allocations = match load_allocations(&ruleset, args.allocations.as_deref()) {
        Ok(table) => table,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let output = Destination::from_arg(args.output.as_deref());
    let mut outputs = vec![NamedOutput {
        option: "-o",
        path: args.output.as_deref().unwrap_or(Path::new("-")),
    }];
    if let Some(rejects) = &args.rejects {
        outputs.push(NamedOutput {
            option: "--rejects",
            path: rejects,
        });
    }
    let inputs: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    if let Err(message) = check_outputs(&outputs, &inputs) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    match crate::input::preflight(&args.inputs) {
        Ok(warnings) => warnings.iter().for_each(|w| eprintln!("warning: {w}")),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    }
    let classifier = Classifier::new(&ruleset, allocations);
    let options = args.read.options(&ruleset);
    let batch = Batch {
        classifier: &classifier,
        inputs: &args.inputs,
        format: args.read.input_format,
        options,
        strict: args.strict,
        escaping: args.csv.escaping(),
        threads: args.threads.count(),
    };

    let opened = Sink::open(&output).and_then(|sink| RowWriter::new(sink, args.format));
    let mut rows = match opened {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", describe(&output));
            return EXIT_USAGE;
        }
    };
    let mut rejects_file = match &args.rejects {
        Some(path) => {
            match Sink::open(&Destination::from_arg(Some(path)))
                .and_then(|sink| RejectsWriter::new(sink, args.csv.escaping()))
            {
                Ok(writer) => Some(writer),
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return EXIT_USAGE;
                }
            }
        }
        None => None,
    };
    let progress = Progress::new(!args.quiet, total_size(&args.inputs));
    let mut shown = 0u64;
    let mut on_reject = |reject: &Reject| -> std::io::Result<()> {
        match &mut rejects_file {
            Some(writer) => writer.write(reject),
            None => {
                shown += 1;
                if shown <= REJECTS_SHOWN {
                    progress.eprintln(&format!("rejected {}: {}", reject.origin, reject.reason));
                }
                Ok(())
            }
        }
    };
    let mut on_warning = |message: String| progress.eprintln(&format!("warning: {message}"));
    let mut on_progress = |rows, bytes| progress.update(rows, bytes);
    let mut hooks = Hooks {
        on_reject: &mut on_reject,
        on_warning: &mut on_warning,
        on_progress: &mut on_progress,
    };
    let result = batch.run(&mut rows, args.format, &mut hooks);
    progress.finish();
    let summary = match result {
        Ok(summary) => summary,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    let finished = rows
        .finish()
        .and_then(|()| rejects_file.map_or(Ok(()), RejectsWriter::finish));
    if let Err(e) = finished {
        eprintln!("error: writing output: {e}");
        return EXIT_USAGE;
    }
    if shown > REJECTS_SHOWN {
        eprintln!(
            "... and {} more rejected records; write them all with --rejects FILE",
            shown - REJECTS_SHOWN
        );
    }
    let levels: Vec<String> = ruleset.levels.iter().map(|l| l.id.value.clone()).collect();
    eprintln!("{}", summary.describe(&levels));
    EXIT_OK
}

/// The total size of the inputs, when every one is a file.
fn total_size(inputs: &[PathBuf]) -> Option<u64> {
    inputs
        .iter()
        .map(|path| {
            (path != std::path::Path::new("-"))
                .then(|| std::fs::metadata(path).ok().map(|m| m.len()))
                .flatten()
        })
        .sum()
}

fn describe(destination: &Destination) -> String {
    match destination {
        Destination::Stdout => "stdout".into(),
        Destination::File(path) => path.display().to_string(),
    }
}

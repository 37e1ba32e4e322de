//! `docket explain`: why one record got its outcome.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::common::ReadArgs;
use super::common::{load_allocations, load_ruleset};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::classify::Classifier;
use crate::explain::explain;
use crate::input::mapping::Mapper;
use crate::input::{Item, Origin};
use crate::record::Record;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Ruleset directory or file [default: rules/usda]
    #[arg(long = "rules", value_name = "RULESET")]
    rules: Option<PathBuf>,
    /// TSO allocation table [default: the ruleset's]
    #[arg(long, value_name = "FILE")]
    allocations: Option<PathBuf>,
    /// The record: its id, its FILE:LINE, or its line number [default: the first record]
    #[arg(long, value_name = "ID")]
    record: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    #[command(flatten)]
    read: ReadArgs,
    /// The input holding the record; `-` is stdin
    #[arg(value_name = "INPUT")]
    input: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    /// Indented text
    Text,
    /// One JSON document
    Json,
}

fn wanted(record: Option<&str>, origin: &Origin, id: Option<&str>) -> bool {
    match record {
        None => true,
        Some(want) => {
            Some(want) == id
                || want == origin.to_string()
                || want.parse::<u64>().is_ok_and(|line| line == origin.line)
        }
    }
}

/// Shows a record that was rejected or skipped, and so has no outcome to
/// explain, in the format asked for.
// Indexing a serde_json object built here inserts or reads a key; it
// cannot panic.
#[allow(clippy::indexing_slicing)]
fn unread(
    format: ExplainFormat,
    origin: &Origin,
    status: &str,
    reason: &str,
    raw: Option<&str>,
) -> u8 {
    let text = match format {
        ExplainFormat::Text => match raw {
            Some(raw) => format!("record {origin} is {status}: {reason}\n  {raw}"),
            None => format!("record {origin} is {status}: {reason}"),
        },
        ExplainFormat::Json => {
            let mut document = serde_json::json!({
                "record": origin.to_string(),
                "origin": origin.to_string(),
                "status": status,
                "reason": reason,
            });
            if let Some(raw) = raw {
                document["raw"] = raw.into();
            }
            serde_json::to_string_pretty(&document).unwrap_or_default()
        }
    };
    println!("{text}");
    EXIT_OK
}

pub fn run(args: ExplainArgs) -> u8 {
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
    let classifier = Classifier::new(&ruleset, allocations);
    let options = args.read.options(&ruleset);
    let (items, format) = match crate::input::open(&args.input, args.read.input_format, &options) {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mapper = match Mapper::new(&ruleset, format) {
        Ok(m) => m,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let want = args.record.as_deref();
    let mut record = Record::with_fields(ruleset.fields.len());
    for item in items {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        match item {
            Item::Record(raw) => {
                let mapped = mapper.map(&raw, &mut record);
                let id = classifier.record_id(&record);
                if !wanted(want, &raw.origin, id.as_deref()) {
                    continue;
                }
                if let Err(reason) = mapped {
                    return unread(
                        args.format,
                        &raw.origin,
                        "rejected",
                        &reason,
                        Some(&raw.raw_text()),
                    );
                }
                let outcome = classifier.classify(&mut record, &raw.origin.to_string());
                let explanation = explain(&classifier, &record, &outcome, &raw.origin);
                let mut out = std::io::stdout().lock();
                let written = match args.format {
                    ExplainFormat::Text => write!(out, "{}", explanation.render_text()),
                    ExplainFormat::Json => writeln!(
                        out,
                        "{}",
                        serde_json::to_string_pretty(&explanation).unwrap_or_default()
                    ),
                };
                return if written.is_ok() { EXIT_OK } else { EXIT_USAGE };
            }
            Item::Rejected(reject) if wanted(want, &reject.origin, None) && want.is_some() => {
                return unread(
                    args.format,
                    &reject.origin,
                    "rejected",
                    &reject.reason,
                    Some(&reject.raw),
                );
            }
            Item::Skipped { origin, reason } if want.is_some() && wanted(want, &origin, None) => {
                return unread(args.format, &origin, "skipped", &reason, None);
            }
            _ => {}
        }
    }
    match want {
        Some(id) => eprintln!("error: no record `{id}` in {}", args.input.display()),
        None => eprintln!("error: {} holds no record", args.input.display()),
    }
    EXIT_FINDINGS
}

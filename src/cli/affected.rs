//! `docket affected`: the systems an advisory leaves exposed, by unit.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::EXIT_OK;
use super::common::CsvArgs;
use crate::datafile::Inputs;
use crate::inventory::{Advisory, Exposure, Inventory, assess};
use crate::output::affected;

#[derive(Debug, Args)]
pub struct AffectedArgs {
    /// The advisory (YAML: affected products, version ranges, fixing patches)
    #[arg(long, value_name = "FILE")]
    advisory: PathBuf,
    /// The system inventory, PADC profiles (CSV or YAML)
    #[arg(long, value_name = "FILE")]
    inventory: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = AffectedFormat::Csv)]
    format: AffectedFormat,
    /// Output file (written whole or not at all) [default: stdout]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    csv: CsvArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AffectedFormat {
    /// One CSV row per affected or unknown system
    Csv,
    /// One JSON object per affected or unknown system
    Jsonl,
    /// Counts per unit, then a table per unit
    Md,
}

pub fn run(args: AffectedArgs) -> u8 {
    let mut inputs = Inputs::new();
    let advisory = Advisory::load(&args.advisory, &mut inputs);
    let inventory = Inventory::load(&args.inventory, &mut inputs);
    let Some(advisory) = advisory.filter(|_| !inputs.has_errors()) else {
        return super::inputs::unusable(&inputs);
    };
    let assessments = assess(&advisory, &inventory);
    let rows = affected::rows(&assessments, &inputs.sources);
    let inputs_read = [args.advisory.as_path(), args.inventory.as_path()];
    let escaping = args.csv.escaping();
    let written = super::inputs::write_output(args.output.as_deref(), &inputs_read, |sink| {
        match args.format {
            AffectedFormat::Csv => affected::write_csv(sink, &rows, escaping),
            AffectedFormat::Jsonl => affected::write_jsonl(sink, &rows),
            AffectedFormat::Md => affected::write_markdown(sink, &advisory, &rows),
        }
    });
    if let Err(code) = written {
        return code;
    }
    let count = |e: Exposure| assessments.iter().filter(|a| a.exposure == e).count();
    let units: Vec<String> = affected::counts(&rows)
        .iter()
        .map(|(unit, a, u)| format!("{unit} {a}+{u}"))
        .collect();
    eprintln!(
        "{} systems: {} affected, {} unknown, {} patched, {} not affected; units to act (affected+unknown): {}",
        assessments.len(),
        count(Exposure::Affected),
        count(Exposure::Unknown),
        count(Exposure::Patched),
        count(Exposure::NotAffected),
        if units.is_empty() {
            "none".to_owned()
        } else {
            units.join(", ")
        }
    );
    EXIT_OK
}

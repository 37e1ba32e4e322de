//! `docket audit`: deadlines met and breached, what is owed, per quarter.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use super::common::CsvArgs;
use super::common::{load_allocations, load_ruleset, parse_time};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::audit::{Auditor, HistoryReader, Status, exceptions};
use crate::calendar::FiscalQuarter;
use crate::output::cells::CellEscaping;
use crate::output::paths::{NamedOutput, check_outputs};
use crate::output::rejects::RejectsWriter;
use crate::output::{Destination, Sink, findings, poam, quarterly};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Ruleset directory or file [default: rules/usda]
    #[arg(long = "rules", value_name = "RULESET")]
    rules: Option<PathBuf>,
    /// TSO allocation table, for incidents that give addresses but no agency
    #[arg(long, value_name = "FILE")]
    allocations: Option<PathBuf>,
    /// Audit time: events after it are not seen; open deadlines are judged
    /// against it [default: now, or the end of --quarter if earlier]
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,
    /// Federal fiscal quarter to report, e.g. FY2027Q1 (October to December 2026)
    #[arg(long, value_name = "QUARTER")]
    quarter: Option<String>,
    /// Output format: findings as CSV or JSON lines, or the quarterly report in Markdown
    #[arg(long, value_enum, default_value_t = AuditFormat::Csv)]
    format: AuditFormat,
    /// Output file (written whole or not at all) [default: stdout]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Write the POA&M items here (CSV)
    #[arg(long, value_name = "FILE")]
    poam: Option<PathBuf>,
    /// Granted policy exceptions (CSV: id, agency, requirement, approved, expires, approver)
    #[arg(long, value_name = "FILE")]
    exceptions: Option<PathBuf>,
    /// Write rejected history rows here (CSV: file, line, reason, raw)
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Stop at the first rejected row, with its location
    #[arg(long)]
    strict: bool,
    /// Exit 1 when findings of this kind exist (repeatable), for scheduled jobs and CI
    #[arg(long, value_enum, value_name = "KIND")]
    fail_on: Vec<FailOn>,
    #[command(flatten)]
    csv: CsvArgs,
    /// Compare the histories with this plan (CSV from `docket plan --format csv`):
    /// each planned step met, late, missed or pending, instead of the findings
    #[arg(long, value_name = "PLAN")]
    plan: Option<PathBuf>,
    /// Incident histories: long CSV (incident,at,event,...) or JSON lines
    #[arg(required = true, value_name = "HISTORY")]
    histories: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuditFormat {
    /// One CSV row per finding
    Csv,
    /// One JSON object per finding
    Jsonl,
    /// The quarterly report
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// A deadline met late, or never met before closure
    Breach,
    /// A deadline past due and still open
    Overdue,
}

pub fn run(args: AuditArgs) -> u8 {
    if let Err(message) = check_paths(&args) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    let Some(ruleset) = load_ruleset(args.rules) else {
        return EXIT_USAGE;
    };
    let escaping = args.csv.escaping();
    let tz = ruleset.meta.timezone.value;
    let quarter = match args
        .quarter
        .as_deref()
        .map(str::parse::<FiscalQuarter>)
        .transpose()
    {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: --quarter: {e}");
            return EXIT_USAGE;
        }
    };
    let as_of: DateTime<Utc> = match &args.as_of {
        Some(text) => match parse_time("--as-of", text, tz) {
            Ok(t) => t,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        },
        None => {
            let now = Utc::now();
            quarter.map_or(now, |q| q.bounds(tz).1.with_timezone(&Utc).min(now))
        }
    };
    let allocations = match load_allocations(&ruleset, args.allocations.as_deref()) {
        Ok(table) => table,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    match crate::input::preflight(&args.histories) {
        Ok(warnings) => warnings.iter().for_each(|w| eprintln!("warning: {w}")),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    }
    let mut reader = HistoryReader::new(&ruleset);
    for path in &args.histories {
        if let Err(e) = reader.read(path) {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    }
    let mut histories = reader.finish();
    let (granted, mut exception_rejects) = match &args.exceptions {
        Some(path) => match exceptions::read(path) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        },
        None => (Vec::new(), Vec::new()),
    };
    histories.rejects.append(&mut exception_rejects);
    for warning in &histories.warnings {
        eprintln!("warning: {warning}");
    }
    if let (true, Some(first)) = (args.strict, histories.rejects.first()) {
        eprintln!(
            "error: {}: {} (--strict stops at the first rejected row)",
            first.origin, first.reason
        );
        return EXIT_USAGE;
    }
    if let Some(code) = write_rejects(&histories.rejects, args.rejects.as_ref(), escaping) {
        return code;
    }
    if let Some(plan) = &args.plan {
        let options = super::audit_plan::Options {
            format: match args.format {
                AuditFormat::Csv => super::audit_plan::Format::Csv,
                AuditFormat::Jsonl => super::audit_plan::Format::Jsonl,
                AuditFormat::Md => super::audit_plan::Format::Md,
            },
            output: args.output.as_deref(),
            fail_on_late: args.fail_on.contains(&FailOn::Breach),
            fail_on_missed: args.fail_on.contains(&FailOn::Overdue),
            escaping,
        };
        return super::audit_plan::run(&ruleset, plan, &histories, as_of, &options);
    }
    let rejected = histories.rejects.len();
    let read = histories.read;
    let auditor = Auditor::new(&ruleset, allocations);
    let mut audit = auditor.audit(histories, &granted, as_of);
    if let Some(q) = quarter {
        audit = audit.select_quarter(q, tz);
    }

    let output = Destination::from_arg(args.output.as_deref());
    let written = Sink::open(&output).and_then(|sink| match args.format {
        AuditFormat::Csv => findings::write_csv(sink, findings::rows(&ruleset, &audit), escaping),
        AuditFormat::Jsonl => findings::write_jsonl(sink, findings::rows(&ruleset, &audit)),
        AuditFormat::Md => {
            use std::io::Write;
            let mut sink = sink;
            sink.write_all(quarterly::render(&ruleset, &audit, quarter).as_bytes())?;
            sink.commit()
        }
    });
    let written = written.and_then(|()| match &args.poam {
        Some(path) => Sink::open(&Destination::from_arg(Some(path)))
            .and_then(|sink| poam::write(sink, &audit.poams, escaping)),
        None => Ok(()),
    });
    if let Err(e) = written {
        eprintln!("error: writing output: {e}");
        return EXIT_USAGE;
    }

    let count = |s: Status| {
        audit
            .evaluations
            .iter()
            .filter(|(_, e)| e.status == s)
            .count()
    };
    eprintln!(
        "read {read} rows: {} incidents; deadlines met {}, breached {}, overdue {}, pending {}, not applicable {}; POA&Ms {}; data-quality findings {}; exceptions {}; rejected {rejected}",
        audit.incidents.len(),
        count(Status::Met),
        count(Status::Breached),
        count(Status::Overdue),
        count(Status::Pending),
        count(Status::NotApplicable),
        audit.poams.len(),
        audit.quality.len(),
        audit.exceptions.len(),
    );
    let failed = args.fail_on.iter().any(|f| match f {
        FailOn::Breach => audit.has(Status::Breached),
        FailOn::Overdue => audit.has(Status::Overdue),
    });
    if failed { EXIT_FINDINGS } else { EXIT_OK }
}

/// Refuses outputs that would overwrite an input or each other.
fn check_paths(args: &AuditArgs) -> Result<(), String> {
    let mut outputs = vec![NamedOutput {
        option: "-o",
        path: args.output.as_deref().unwrap_or(Path::new("-")),
    }];
    for (option, path) in [("--poam", &args.poam), ("--rejects", &args.rejects)] {
        if let Some(path) = path {
            outputs.push(NamedOutput { option, path });
        }
    }
    let mut inputs: Vec<&Path> = args.histories.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.exceptions.as_deref());
    inputs.extend(args.allocations.as_deref());
    inputs.extend(args.plan.as_deref());
    check_outputs(&outputs, &inputs)
}

fn write_rejects(
    rejects: &[crate::input::Reject],
    path: Option<&PathBuf>,
    escaping: CellEscaping,
) -> Option<u8> {
    match path {
        Some(path) => {
            let result = Sink::open(&Destination::from_arg(Some(path)))
                .and_then(|sink| RejectsWriter::new(sink, escaping))
                .and_then(|mut writer| {
                    for reject in rejects {
                        writer.write(reject)?;
                    }
                    writer.finish()
                });
            if let Err(e) = result {
                eprintln!("error: writing {}: {e}", path.display());
                return Some(EXIT_USAGE);
            }
        }
        None => {
            for reject in rejects {
                eprintln!("rejected {}: {}", reject.origin, reject.reason);
            }
        }
    }
    None
}

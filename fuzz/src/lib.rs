//! What the fuzz targets share: the shipped USDA ruleset, loaded once, and
//! the pipelines a fuzz input is pushed through (read, map, classify,
//! explain and write a row; read histories and audit them; load and check a
//! ruleset and render its diagnostics).
//!
//! A target panics only when docket itself panics, or when an invariant
//! checked here fails: a record read but neither classified, rejected nor
//! skipped is lost, and that is a bug too.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use docket::allocation::AllocationTable;
use docket::audit::{Auditor, HistoryReader};
use docket::classify::Classifier;
use docket::diagnostic::{self, Diagnostics};
use docket::input::mapping::Mapper;
use docket::input::{self, InputFormat, Item, ReadOptions};
use docket::output::{ci, classification, findings, quarterly};
use docket::record::Record;
use docket::ruleset::{self, Ruleset};
use docket::source::SourceMap;

/// The repository's `rules/` directory.
pub fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules")
}

/// The shipped USDA ruleset and its allocation table, loaded once.
pub fn usda() -> &'static (Ruleset, Option<Arc<AllocationTable>>) {
    static USDA: OnceLock<(Ruleset, Option<Arc<AllocationTable>>)> = OnceLock::new();
    USDA.get_or_init(|| {
        let ruleset = ruleset::load(&rules_dir().join("usda"))
            .unwrap_or_else(|e| panic!("rules/usda must load for fuzzing: {e}"));
        let allocations = ruleset.allocations.as_ref().map(|path| {
            let path = rules_dir().join("usda").join(&path.value);
            Arc::new(AllocationTable::from_path(&path).expect("rules/usda allocations load"))
        });
        (ruleset, allocations)
    })
}

/// A classifier of the USDA ruleset, built once (building one analyses the
/// ruleset, which would dwarf the work on each input).
pub fn usda_classifier() -> &'static Classifier<'static> {
    static CLASSIFIER: OnceLock<Classifier<'static>> = OnceLock::new();
    CLASSIFIER.get_or_init(|| {
        let (ruleset, allocations) = usda();
        Classifier::new(ruleset, allocations.clone())
    })
}

/// An auditor of the USDA ruleset, built once.
pub fn usda_auditor() -> &'static Auditor<'static> {
    static AUDITOR: OnceLock<Auditor<'static>> = OnceLock::new();
    AUDITOR.get_or_init(|| {
        let (ruleset, allocations) = usda();
        Auditor::new(ruleset, allocations.clone())
    })
}

/// Reader settings as `docket classify` derives them from a ruleset.
pub fn read_options(ruleset: &Ruleset) -> ReadOptions {
    ReadOptions {
        snort_layouts: ruleset
            .mappings
            .iter()
            .find(|m| m.format.value == "snort")
            .map(|m| m.layouts.clone())
            .unwrap_or_default(),
        field_names: ruleset
            .fields
            .iter()
            .map(|f| f.name.value.clone())
            .collect(),
    }
}

/// What one input gave.
#[derive(Debug, Default)]
pub struct Counts {
    /// Items read.
    pub read: u64,
    /// Records classified.
    pub classified: u64,
    /// Records rejected (by the reader or by mapping).
    pub rejected: u64,
    /// Records skipped.
    pub skipped: u64,
}

/// Reads `bytes` as `format` with `ruleset`, then maps and classifies every
/// record and builds its output rows, as `docket classify` does, and with
/// `explain` traces it too, as `docket explain` does (tracing is most of
/// the work under instrumentation, so the reader targets leave it to the
/// condition target). `None` when the input as a whole is refused (an
/// unreadable header, say), which is a clean error, not a crash.
pub fn classify_bytes(
    classifier: &Classifier<'_>,
    bytes: &[u8],
    format: InputFormat,
    explain: bool,
) -> Option<Counts> {
    let ruleset = classifier.ruleset();
    let _ = input::detect(
        Path::new("fuzz.input"),
        bytes,
        &read_options(ruleset).field_names,
    );
    let reader = Box::new(Cursor::new(bytes.to_vec()));
    let items =
        input::from_reader(reader, Arc::from("fuzz"), format, &read_options(ruleset)).ok()?;
    let mapper = Mapper::new(ruleset, format).ok()?;
    let mut record = Record::with_fields(ruleset.fields.len());
    let mut counts = Counts::default();
    for item in items {
        counts.read += 1;
        let raw = match item {
            Err(_) => return Some(counts),
            Ok(Item::Skipped { origin, .. }) => {
                assert!(origin.line >= 1, "a skipped record without its line");
                counts.skipped += 1;
                continue;
            }
            Ok(Item::Rejected(reject)) => {
                assert!(
                    reject.origin.line >= 1,
                    "a reject without its line: {reject:?}"
                );
                counts.rejected += 1;
                continue;
            }
            Ok(Item::Record(raw)) => raw,
        };
        let _ = mapper.unknown_names(raw.fields.entries().into_iter().map(|(n, _)| n));
        if mapper.map(&raw, &mut record).is_err() {
            let _ = raw.raw_text();
            counts.rejected += 1;
            continue;
        }
        let outcome = classifier.classify(&mut record, &raw.origin.to_string());
        for detailed in [false, true] {
            let row = classification::row(classifier, &record, &outcome, &raw.origin, detailed);
            serde_json::to_string(&row).expect("a row serialises");
        }
        if explain {
            let explanation = docket::explain::explain(classifier, &record, &outcome, &raw.origin);
            let _ = explanation.render_text();
        }
        counts.classified += 1;
    }
    assert_eq!(
        counts.read,
        counts.classified + counts.rejected + counts.skipped,
        "records lost"
    );
    Some(counts)
}

/// Reads `bytes` as an incident history of the USDA ruleset and audits it,
/// rendering the findings and the quarterly report.
pub fn audit_bytes(bytes: &[u8]) {
    let (ruleset, _) = usda();
    let mut reader = HistoryReader::new(ruleset);
    if reader.read_bytes(Arc::from("fuzz"), bytes).is_err() {
        return;
    }
    let histories = reader.finish();
    for reject in &histories.rejects {
        assert!(
            reject.origin.line >= 1,
            "a reject without its line: {reject:?}"
        );
    }
    let as_of = Utc
        .with_ymd_and_hms(2026, 6, 30, 12, 0, 0)
        .single()
        .expect("a valid time");
    let audit = usda_auditor().audit(histories, &[], as_of);
    for row in findings::rows(ruleset, &audit) {
        serde_json::to_string(&row).expect("a finding serialises");
    }
    let _ = quarterly::render(ruleset, &audit, None);
}

/// Renders diagnostics in every format `docket check` offers.
pub fn render_all(diagnostics: &Diagnostics, sources: &SourceMap) {
    for format in [diagnostic::Format::Plain, diagnostic::Format::Json] {
        let _ = diagnostic::render(diagnostics, sources, format);
    }
    let _ = diagnostic::render_json(diagnostics, sources);
    let _ = ci::github::render(diagnostics, sources);
    let _ = ci::sarif::render(diagnostics, sources);
    let suite = ci::check_suite("fuzz".into(), diagnostics, sources, true);
    let _ = ci::junit::render(&suite);
}

/// Where a fuzzed ruleset file pretends to live: a directory without rule
/// files, so that its includes name nothing (they are reported missing).
pub fn fuzz_ruleset_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_targets/ruleset.yaml")
}

/// Classifies `bytes` as input of `format` twice and checks that both give
/// the same rows and rejects: once as `docket classify` does (the batch
/// runner: for canonical CSV, a mapping that reads common spellings without
/// the general value parser; for JSON lines, lines parsed by the workers;
/// rows encoded straight into bytes), once through the general path (the
/// item reader, `Mapper::map`, `classification::row`, `RowBuffer::write`).
/// The fast paths must be exactly the general ones.
pub fn batch_matches_general(classifier: &Classifier<'_>, bytes: &[u8], format: InputFormat) {
    use docket::classify::batch::{Batch, Hooks};
    use docket::output::cells::CellEscaping;
    use docket::output::classification::{RowBuffer, RowFormat, RowWriter};
    use docket::output::{Destination, Sink};

    let ruleset = classifier.ruleset();
    let dir = std::env::temp_dir().join(format!("docket-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let input = dir.join("input.csv");
    let output = dir.join("rows.csv");
    std::fs::write(&input, bytes).expect("the input is written");

    // As `docket classify` runs.
    let mut batch_rejects = Vec::new();
    let batch = Batch {
        classifier,
        inputs: std::slice::from_ref(&input),
        format: Some(format),
        options: read_options(ruleset),
        strict: false,
        threads: 1,
        escaping: CellEscaping::Neutralise,
    };
    let sink = Sink::open(&Destination::File(output.clone())).expect("the output opens");
    let mut rows = RowWriter::new(sink, RowFormat::Csv).expect("the header is written");
    let mut on_reject = |r: &input::Reject| {
        batch_rejects.push((r.origin.line, r.reason.clone()));
        Ok(())
    };
    let mut hooks = Hooks {
        on_reject: &mut on_reject,
        on_warning: &mut |_| {},
        on_progress: &mut |_, _| {},
    };
    let Ok(summary) = batch.run(&mut rows, RowFormat::Csv, &mut hooks) else {
        return;
    };
    rows.finish().expect("the rows are written");
    let batch_bytes = std::fs::read(&output).expect("the rows are read back");

    // Through the general path.
    let name: Arc<str> = Arc::from(input.display().to_string());
    let reader = Box::new(Cursor::new(bytes.to_vec()));
    let Ok(items) = input::from_reader(reader, name, format, &read_options(ruleset)) else {
        panic!("the batch read an input the item reader refuses");
    };
    let mapper = Mapper::new(ruleset, format).expect("the batch mapped this format");
    let mut record = Record::with_fields(ruleset.fields.len());
    let mut general = RowBuffer::new(RowFormat::Csv, CellEscaping::Neutralise);
    let mut general_rejects = Vec::new();
    let mut header = Vec::new();
    {
        let sink = Sink::open(&Destination::File(output.clone())).expect("the output opens");
        let writer = RowWriter::new(sink, RowFormat::Csv).expect("the header is written");
        writer.finish().expect("the header is written");
        header.extend(std::fs::read(&output).expect("the header is read back"));
    }
    for item in items {
        match item {
            Err(_) => return,
            Ok(Item::Skipped { .. }) => {}
            Ok(Item::Rejected(r)) => general_rejects.push((r.origin.line, r.reason)),
            Ok(Item::Record(raw)) => match mapper.map(&raw, &mut record) {
                Err(reason) => general_rejects.push((raw.origin.line, reason)),
                Ok(()) => {
                    let outcome = classifier.classify(&mut record, &raw.origin.to_string());
                    let row =
                        classification::row(classifier, &record, &outcome, &raw.origin, false);
                    general.write(&row).expect("a row encodes");
                }
            },
        }
    }
    header.extend_from_slice(general.bytes());
    assert_eq!(
        batch_rejects, general_rejects,
        "the batch and the general path reject differently"
    );
    if batch_bytes != header {
        panic!(
            "the batch and the general path write different rows:\nbatch:\n{}\ngeneral:\n{}",
            String::from_utf8_lossy(&batch_bytes),
            String::from_utf8_lossy(&header)
        );
    }
    assert_eq!(
        summary.read,
        summary.classified + summary.rejected + summary.skipped,
        "records lost"
    );
}

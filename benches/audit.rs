//! `docket audit` at scale: read a history of many incidents, audit it,
//! and make its findings rows, with the shipped USDA ruleset. The history
//! is the fixture `fixtures/audit/usda-history.csv` (12 incidents) repeated
//! with fresh incident ids, so the work per incident stays the same and the
//! figures show how the whole grows with the number of incidents: it
//! should grow in proportion (an audit once searched every finding per
//! incident, and 48,000 incidents took 6 s). Run with
//! `cargo bench --bench audit`.

// `criterion_group!` defines a public function without documentation.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use docket::audit::{Auditor, HistoryReader};
use docket::output::findings;

/// The fixture repeated `copies` times, each copy's incidents renamed.
fn history(copies: usize) -> (Vec<u8>, usize) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("fixtures/audit/usda-history.csv"))
        .expect("the fixture history");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let rows: Vec<&str> = lines.collect();
    let mut out = format!("{header}\n");
    for copy in 0..copies {
        for row in &rows {
            let (incident, rest) = row.split_once(',').expect("an incident column");
            out.push_str(&format!("{incident}-{copy},{rest}\n"));
        }
    }
    (out.into_bytes(), rows.len() * copies)
}

fn audit_at_scale(c: &mut Criterion) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ruleset = docket::ruleset::load(&repo.join("rules/usda")).expect("the shipped ruleset");
    let auditor = Auditor::new(&ruleset, None);
    let as_of = Utc
        .with_ymd_and_hms(2027, 1, 1, 4, 59, 59)
        .single()
        .expect("a valid time");
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    for copies in [250, 1000, 4000] {
        let (bytes, rows) = history(copies);
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_with_input(BenchmarkId::new("rows", rows), &bytes, |b, bytes| {
            b.iter(|| {
                let mut reader = HistoryReader::new(&ruleset);
                reader
                    .read_bytes(Arc::from("history.csv"), black_box(bytes))
                    .expect("the history reads");
                let audit = auditor.audit(reader.finish(), &[], as_of);
                black_box(findings::rows(&ruleset, &audit).count())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, audit_at_scale);
criterion_main!(benches);

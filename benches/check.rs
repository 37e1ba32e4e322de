//! `docket check` on the shipped rulesets: load (read, parse, resolve every
//! name) and analyse (gaps, overlaps, shadowing, conflicts, usage).
//! Target: under 50 ms each. Run with `cargo bench --bench check`.

// `criterion_group!` defines a public function without documentation.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn check_shipped_rulesets(c: &mut Criterion) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["usda", "doc"] {
        let path = repo.join("rules").join(name);
        c.bench_function(&format!("check rules/{name}"), |b| {
            b.iter(|| {
                let ruleset =
                    docket::ruleset::load(black_box(&path)).expect("the shipped ruleset loads");
                black_box(docket::check::analyse(&ruleset))
            });
        });
    }
}

criterion_group!(benches, check_shipped_rulesets);
criterion_main!(benches);

//! The TSO allocation table at scale: loading 100,000 nested prefixes
//! (target: under 100 ms), flattening them for classification, and
//! longest-prefix lookups (target: under 100 ns each) through the trie and
//! through the flattened ranges `classify` uses. Run with
//! `cargo bench --bench allocation`.
//!
//! The lookups cycle through a million addresses (three in four inside the
//! table), more than the caches hold, so each one pays the cache misses a
//! large export pays; a few thousand addresses would stay cached and
//! flatter the figure.

// `criterion_group!` defines a public function without documentation.
#![allow(missing_docs)]

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use docket::allocation::AllocationTable;
use docket::classify::Agencies;

const PREFIXES: usize = 100_000;

fn allocation_table(c: &mut Criterion) {
    let text = synthetic::allocation_table(PREFIXES);
    let mut group = c.benchmark_group("allocations");
    group
        .measurement_time(Duration::from_secs(10))
        .sample_size(20);
    group.bench_function("load 100,000 nested prefixes", |b| {
        b.iter(|| {
            AllocationTable::from_reader(black_box(text.as_bytes()), "bench")
                .expect("the synthetic table loads")
        });
    });

    let table =
        Arc::new(AllocationTable::from_reader(text.as_bytes(), "bench").expect("the table loads"));
    assert_eq!(table.len(), PREFIXES);
    group.bench_function("flatten 100,000 prefixes for classify", |b| {
        b.iter(|| Agencies::new(black_box(Arc::clone(&table))));
    });
    group.finish();

    let agencies = Agencies::new(Arc::clone(&table));
    let mut rng = synthetic::Rng::new(7);
    let blocks = synthetic::blocks(PREFIXES);
    let addresses: Vec<IpAddr> = (0..1 << 20)
        .map(|i| IpAddr::V4(synthetic::address(&mut rng, blocks, i % 4 != 0)))
        .collect();
    for address in addresses.iter().step_by(97) {
        let trie = table.lookup(*address).map(|a| (a.agency(), a.prefix()));
        let flat = agencies.owner(*address).map(|(a, p)| (&**a, p));
        assert_eq!(trie, flat, "{address}");
    }
    let mut i = 0;
    c.bench_function("lookup in 100,000 prefixes (trie)", |b| {
        b.iter(|| {
            i = (i + 1) % addresses.len();
            black_box(table.lookup(black_box(addresses[i])).map(|a| a.agency()))
        });
    });
    let mut i = 0;
    c.bench_function(
        "lookup in 100,000 prefixes (classify's flattened ranges)",
        |b| {
            b.iter(|| {
                i = (i + 1) % addresses.len();
                black_box(agencies.owner(black_box(addresses[i])))
            });
        },
    );
}

criterion_group!(benches, allocation_table);
criterion_main!(benches);

//! The TSO allocation table at scale: loading 100,000 nested prefixes
//! (target: under 100 ms) and longest-prefix lookups (target: under 100 ns
//! each). Run with `cargo bench --bench allocation`.

// `criterion_group!` defines a public function without documentation.
#![allow(missing_docs)]

#[path = "support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::hint::black_box;
use std::net::IpAddr;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use docket::allocation::AllocationTable;

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
    group.finish();

    let table = AllocationTable::from_reader(text.as_bytes(), "bench").expect("the table loads");
    assert_eq!(table.len(), PREFIXES);
    let mut rng = synthetic::Rng::new(7);
    let blocks = synthetic::blocks(PREFIXES);
    let addresses: Vec<IpAddr> = (0..4096)
        .map(|i| IpAddr::V4(synthetic::address(&mut rng, blocks, i % 4 != 0)))
        .collect();
    let mut i = 0;
    c.bench_function("lookup in 100,000 prefixes", |b| {
        b.iter(|| {
            i = (i + 1) % addresses.len();
            black_box(table.lookup(black_box(addresses[i])).map(|a| a.agency()))
        });
    });
}

criterion_group!(benches, allocation_table);
criterion_main!(benches);

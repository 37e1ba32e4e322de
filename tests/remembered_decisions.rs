//! A classifier that remembers decisions by their key classifies exactly as
//! one that decides every record afresh: over records generated from both
//! shipped rulesets' conditions, many of them near-copies of earlier ones
//! (one field drawn again), so that remembered decisions are taken by
//! records that differ in what the key leaves out (ids, times, addresses).

use std::sync::Arc;

use docket::allocation::AllocationTable;
use docket::classify::Classifier;
use docket::record::Record;

mod common;
use common::records::{Rng, pools, record};
use common::repo;

fn compare(dir: &str, records: usize, seed: u64, remembers: bool) {
    let ruleset = docket::ruleset::load(&repo().join(dir)).expect("the ruleset loads");
    let allocations = AllocationTable::from_path(&repo().join("rules/usda/allocations.csv"))
        .expect("the allocation table loads");
    let allocations = Some(Arc::new(allocations));
    let remembering = Classifier::new(&ruleset, allocations.clone());
    assert_eq!(remembering.remembers_decisions(), remembers, "{dir}");
    let afresh = Classifier::new(&ruleset, allocations).without_memo();
    assert!(!afresh.remembers_decisions());
    let pools = pools(&ruleset);
    let mut rng = Rng(seed);
    let mut earlier: Vec<Record> = Vec::new();
    for n in 0..records {
        let record = match earlier.len() {
            0 => record(&ruleset, &pools, &mut rng),
            len if rng.below(4) != 0 => {
                // An earlier record with one field drawn again.
                let mut copy = earlier[rng.below(len)].clone();
                let fresh = record(&ruleset, &pools, &mut rng);
                let field =
                    docket::ruleset::model::FieldId::from_index(rng.below(ruleset.fields.len()));
                copy.set(field, fresh.get(field).cloned());
                copy
            }
            _ => record(&ruleset, &pools, &mut rng),
        };
        earlier.push(record.clone());
        let (mut a, mut b) = (record.clone(), record);
        let id = format!("gen:{n}");
        let remembered = remembering.classify(&mut a, &id);
        let decided = afresh.classify(&mut b, &id);
        assert_eq!(
            format!("{remembered:?}"),
            format!("{decided:?}"),
            "{dir}: record {n}: {b:?}"
        );
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{dir}: record {n} after"
        );
    }
}

#[test]
fn remembered_usda_decisions_are_those_made_afresh() {
    compare("rules/usda", 20_000, 0x51_7cc1_b727_220a, true);
}

#[test]
fn remembered_doc_decisions_are_those_made_afresh() {
    compare("rules/doc", 5_000, 0x2545_f491_4f6c_dd1d, true);
}

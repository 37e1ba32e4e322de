//! A classifier that remembers decisions by their key classifies exactly as
//! one that decides every record afresh: over records generated from both
//! shipped rulesets' conditions, many of them near-copies of earlier ones
//! (one field drawn again), so that remembered decisions are taken by
//! records that differ in what the key leaves out (ids, times, addresses).
//! Also with the caches lent by the caller (`classify_with`), shared by two
//! classifiers in turn, as a batch's threads keep them.

use std::sync::Arc;

use docket::allocation::AllocationTable;
use docket::classify::{Classification, Classifier, Scratch};
use docket::record::Record;
use docket::ruleset::Ruleset;

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
        let record = next_record(&ruleset, &pools, &mut rng, &mut earlier);
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

/// A fresh record, or (three times in four) an earlier one with one field
/// drawn again.
fn next_record(
    ruleset: &Ruleset,
    pools: &[Vec<String>],
    rng: &mut Rng,
    earlier: &mut Vec<Record>,
) -> Record {
    let record = match earlier.len() {
        0 => record(ruleset, pools, rng),
        len if rng.below(4) != 0 => {
            let mut copy = earlier[rng.below(len)].clone();
            let fresh = record(ruleset, pools, rng);
            let field =
                docket::ruleset::model::FieldId::from_index(rng.below(ruleset.fields.len()));
            copy.set(field, fresh.get(field).cloned());
            copy
        }
        _ => record(ruleset, pools, rng),
    };
    earlier.push(record.clone());
    record
}

/// Records of both shipped rulesets, classified in turn by their two
/// classifiers through one [`Scratch`], classify as deciding afresh does:
/// a scratch lent to another classifier forgets the first one's entries
/// (the two rulesets' decision keys overlap, so a stale entry would show).
#[test]
fn a_scratch_shared_by_two_classifiers_gives_what_deciding_afresh_gives() {
    let allocations = AllocationTable::from_path(&repo().join("rules/usda/allocations.csv"))
        .expect("the allocation table loads");
    let allocations = Some(Arc::new(allocations));
    let rulesets: Vec<Ruleset> = ["rules/usda", "rules/doc"]
        .iter()
        .map(|dir| docket::ruleset::load(&repo().join(dir)).expect("the ruleset loads"))
        .collect();
    let sides: Vec<_> = rulesets
        .iter()
        .map(|ruleset| {
            let lent = Classifier::new(ruleset, allocations.clone());
            let afresh = Classifier::new(ruleset, allocations.clone()).without_memo();
            (ruleset, pools(ruleset), lent, afresh)
        })
        .collect();
    let mut earlier: Vec<Vec<Record>> = vec![Vec::new(); sides.len()];
    let mut scratch = Scratch::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut lent_out, mut afresh_out) = (Classification::default(), Classification::default());
    for n in 0..6_000 {
        // Runs of one classifier, then the other.
        let side = (n / 7 + rng.below(2)) % 2;
        let (ruleset, pools, lent, afresh) = &sides[side];
        let record = next_record(ruleset, pools, &mut rng, &mut earlier[side]);
        let (mut a, mut b) = (record.clone(), record);
        let id = format!("gen:{n}");
        lent.classify_with(&mut a, &id, &mut lent_out, &mut scratch);
        afresh.classify_into(&mut b, &id, &mut afresh_out);
        assert_eq!(
            format!("{lent_out:?}"),
            format!("{afresh_out:?}"),
            "{}: record {n}: {b:?}",
            ruleset.root.display()
        );
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "record {n} after");
    }
}

/// Classifying without the lists of matching criteria and fired triggers
/// (as a CSV batch does) gives the classification `classify_with` gives,
/// but those lists, and the same record, remembering decisions or not.
#[test]
fn unlisted_classifications_are_listed_ones_without_the_lists() {
    let allocations = AllocationTable::from_path(&repo().join("rules/usda/allocations.csv"))
        .expect("the allocation table loads");
    let allocations = Some(Arc::new(allocations));
    for (dir, seed) in [("rules/usda", 0x0bad_5eed_u64), ("rules/doc", 0xfeed_f00d)] {
        let ruleset = docket::ruleset::load(&repo().join(dir)).expect("the ruleset loads");
        let pools = pools(&ruleset);
        let remembering = Classifier::new(&ruleset, allocations.clone());
        let afresh = Classifier::new(&ruleset, allocations.clone()).without_memo();
        for classifier in [&remembering, &afresh] {
            let mut rng = Rng(seed);
            let mut earlier = Vec::new();
            let (mut listed_scratch, mut unlisted_scratch) = (Scratch::new(), Scratch::new());
            let (mut listed, mut unlisted) = (Classification::default(), Classification::default());
            for n in 0..5_000 {
                let record = next_record(&ruleset, &pools, &mut rng, &mut earlier);
                let (mut a, mut b) = (record.clone(), record);
                let id = format!("gen:{n}");
                classifier.classify_with(&mut a, &id, &mut listed, &mut listed_scratch);
                classifier.classify_unlisted(&mut b, &id, &mut unlisted, &mut unlisted_scratch);
                assert!(unlisted.matched.is_empty() && unlisted.fired.is_empty());
                let mut expected = listed.clone();
                expected.matched.clear();
                expected.fired.clear();
                assert_eq!(
                    format!("{unlisted:?}"),
                    format!("{expected:?}"),
                    "{dir}: record {n}: {b:?}"
                );
                assert_eq!(
                    format!("{a:?}"),
                    format!("{b:?}"),
                    "{dir}: record {n} after"
                );
            }
        }
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

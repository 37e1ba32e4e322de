//! The compiled form of conditions (and the index over it) decides exactly
//! what the typed tree decides: every criterion and trigger of the shipped
//! rulesets, over records generated from the values the conditions name
//! (codes, list entries, thresholds and their neighbours, networks, text
//! needles), with and without an ignored field.

use docket::classify::index::ConditionIndex;
use docket::condition::compiled::Program;
use docket::ruleset::model::FieldId;

mod common;
use common::records::{Rng, pools, record};
use common::repo;

fn compare(dir: &str, records: usize, seed: u64) {
    let ruleset = docket::ruleset::load(&repo().join(dir)).expect("the ruleset loads");
    let pools = pools(&ruleset);
    let mut rng = Rng(seed);
    for list in [
        ruleset.criteria.iter().map(|c| &c.when).collect::<Vec<_>>(),
        ruleset.triggers.iter().map(|t| &t.when).collect(),
    ] {
        let programs: Vec<Program> = list.iter().map(|c| Program::new(c)).collect();
        let index = ConditionIndex::new(programs.clone(), &ruleset);
        // The list twice over: more than 64 terms, so several words.
        let twice = ConditionIndex::new(
            programs.iter().chain(&programs).cloned().collect(),
            &ruleset,
        );
        let ignoring: Vec<(FieldId, ConditionIndex)> = ruleset
            .fields
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let field = FieldId::from_index(i);
                let programs = list.iter().map(|c| Program::ignoring(c, field)).collect();
                (field, ConditionIndex::new(programs, &ruleset))
            })
            .collect();
        let mut met = vec![0usize; list.len()];
        for _ in 0..records {
            let record = record(&ruleset, &pools, &mut rng);
            let expected: Vec<usize> = (0..list.len())
                .filter(|i| list[*i].matches(&record))
                .collect();
            expected.iter().for_each(|i| met[*i] += 1);
            for (i, condition) in list.iter().enumerate() {
                assert_eq!(
                    programs[i].matches(&record),
                    condition.matches(&record),
                    "{dir}: condition {i} on {record:?}"
                );
            }
            assert_eq!(
                index.matching(&record).collect::<Vec<_>>(),
                expected,
                "{dir}: the index on {record:?}"
            );
            let n = list.len();
            assert_eq!(
                twice.matching(&record).collect::<Vec<_>>(),
                expected
                    .iter()
                    .chain(&expected.iter().map(|i| i + n).collect::<Vec<_>>())
                    .copied()
                    .collect::<Vec<_>>(),
                "{dir}: the index of the list twice on {record:?}"
            );
            for (field, index) in &ignoring {
                let expected: Vec<usize> = (0..list.len())
                    .filter(|i| list[*i].matches_ignoring(*field, &record))
                    .collect();
                assert_eq!(
                    index.matching(&record).collect::<Vec<_>>(),
                    expected,
                    "{dir}: ignoring {field:?} on {record:?}"
                );
            }
        }
        // The records meet most conditions, or the comparison would say
        // little (a condition never met is compared only on its misses).
        let never: Vec<usize> = (0..list.len()).filter(|i| met[*i] == 0).collect();
        assert!(
            never.len() * 5 <= list.len(),
            "{dir}: conditions never met: {never:?}"
        );
    }
}

#[test]
fn compiled_usda_conditions_decide_as_the_tree_does() {
    compare("rules/usda", 20_000, 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn compiled_doc_conditions_decide_as_the_tree_does() {
    compare("rules/doc", 20_000, 0x2545_f491_4f6c_dd1d);
}

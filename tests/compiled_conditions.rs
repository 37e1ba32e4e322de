//! The compiled form of conditions (and the index over it) decides exactly
//! what the typed tree decides: every criterion and trigger of the shipped
//! rulesets, over records generated from the values the conditions name
//! (codes, list entries, thresholds and their neighbours, networks, text
//! needles), with and without an ignored field.

use docket::classify::index::ConditionIndex;
use docket::condition::compiled::Program;
use docket::condition::{Condition, Literal, Op, Operand};
use docket::record::Record;
use docket::record::parse_value;
use docket::ruleset::Ruleset;
use docket::ruleset::model::{FieldId, FieldType};

mod common;
use common::repo;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn collect(condition: &Condition, pools: &mut [Vec<String>]) {
    match condition {
        Condition::All(items, _) | Condition::Any(items, _) => {
            items.iter().for_each(|c| collect(c, pools));
        }
        Condition::Not(inner, _) => collect(inner, pools),
        Condition::Test(test) => {
            let pool = &mut pools[test.field.index()];
            match &test.op {
                Op::Exists(_) | Op::Matches(_) => {}
                Op::OneOf { values, .. } => {
                    for value in values {
                        match value {
                            Literal::Str(s) => {
                                pool.push(s.clone());
                                pool.push(s.to_uppercase());
                                pool.push(format!("{s}x"));
                            }
                            Literal::Number(n) => {
                                pool.push(n.to_string());
                                pool.push((n + 1.0).to_string());
                            }
                            Literal::Ip(ip) => pool.push(ip.to_string()),
                            Literal::Enum(_) | Literal::Bool(_) => {}
                        }
                    }
                }
                Op::Compare(_, Operand::Number { value, .. }) => {
                    for delta in [-1.0, -0.01, 0.0, 0.01, 1.0] {
                        pool.push((value + delta).to_string());
                    }
                }
                Op::Compare(_, Operand::Time(at)) => {
                    for delta in [-1, 0, 1] {
                        pool.push((*at + chrono::TimeDelta::seconds(delta)).to_rfc3339());
                    }
                }
                Op::Text(_, needles) => {
                    for n in needles {
                        pool.push(n.clone());
                        pool.push(format!("Ab {} cD", n.to_uppercase()));
                        pool.push(format!("{n}z"));
                        pool.push(format!("z{n}"));
                    }
                }
                Op::Cidr { nets, .. } => {
                    for net in nets {
                        pool.push(net.network().to_string());
                        pool.push(net.broadcast().to_string());
                    }
                }
            }
        }
    }
}

/// Texts to draw each field's values from.
fn pools(ruleset: &Ruleset) -> Vec<Vec<String>> {
    let mut pools = vec![Vec::new(); ruleset.fields.len()];
    for condition in conditions(ruleset) {
        collect(condition, &mut pools);
    }
    for (pool, field) in pools.iter_mut().zip(&ruleset.fields) {
        match &field.ty {
            FieldType::Enum(spec) => pool.extend(spec.values.iter().map(|v| v.code.clone())),
            FieldType::Bool => pool.extend(["true".into(), "false".into()]),
            FieldType::String => pool.extend(
                [
                    "jdoe@ars.usda.gov",
                    "x@usda.gov",
                    "ranger@fs.fed.us",
                    "someone@example.com",
                    "RIAA",
                    "law-enforcement",
                    "plain text",
                ]
                .map(String::from),
            ),
            FieldType::Integer | FieldType::Money => {
                pool.extend(["0", "1", "2", "3", "4", "5", "99999", "250000"].map(String::from));
            }
            FieldType::Ip => pool.extend(
                [
                    "199.130.5.5",
                    "10.1.2.3",
                    "165.221.3.3",
                    "2600:1200::1",
                    "8.8.8.8",
                ]
                .map(String::from),
            ),
            FieldType::Timestamp => pool.extend(
                [
                    "2026-11-02T09:00:00Z",
                    "2026-12-31T23:30:00-05:00",
                    "2025-03-09T07:30:00Z",
                ]
                .map(String::from),
            ),
        }
    }
    pools
}

fn conditions(ruleset: &Ruleset) -> Vec<&Condition> {
    let criteria = ruleset.criteria.iter().map(|c| &c.when);
    criteria
        .chain(ruleset.triggers.iter().map(|t| &t.when))
        .collect()
}

fn record(ruleset: &Ruleset, pools: &[Vec<String>], rng: &mut Rng) -> Record {
    let tz = ruleset.meta.timezone.value;
    let mut record = Record::with_fields(ruleset.fields.len());
    for (i, (field, pool)) in ruleset.fields.iter().zip(pools).enumerate() {
        // Mostly absent, as in real records.
        if pool.is_empty() || rng.below(3) != 0 {
            continue;
        }
        let text = &pool[rng.below(pool.len())];
        if let Ok(value) = parse_value(&field.ty, text, tz, (None, None)) {
            record.set(FieldId::from_index(i), Some(value));
        }
    }
    record
}

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

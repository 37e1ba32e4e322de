//! Records generated from the values a ruleset's conditions name (codes,
//! list entries, thresholds and their neighbours, networks, text needles),
//! mostly absent as in real records: for holding a fast path to the
//! general one over the shipped rulesets.

use docket::condition::{Condition, Literal, Op, Operand};
use docket::record::Record;
use docket::record::parse_value;
use docket::ruleset::Ruleset;
use docket::ruleset::model::{FieldId, FieldType};

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
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
pub fn pools(ruleset: &Ruleset) -> Vec<Vec<String>> {
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

pub fn conditions(ruleset: &Ruleset) -> Vec<&Condition> {
    let criteria = ruleset.criteria.iter().map(|c| &c.when);
    criteria
        .chain(ruleset.triggers.iter().map(|t| &t.when))
        .collect()
}

pub fn record(ruleset: &Ruleset, pools: &[Vec<String>], rng: &mut Rng) -> Record {
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

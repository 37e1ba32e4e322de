//! The condition parser and evaluator. The input is a condition in YAML,
//! a NUL byte, and JSON lines of records: the condition becomes the `when`
//! of a criterion and of a trigger in a small ruleset with a field of every
//! type, and every record is classified (evaluating it) and explained
//! (tracing it step by step).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The ruleset around the condition; `{when}` is replaced by the condition,
/// indented to sit under `when:`.
const TEMPLATE: &str = "\
id: fuzz
title: A field of every type, and one condition
timezone: America/New_York
fields:
  s: {type: string}
  e: {type: enum, values: [a, b, c], aliases: {A: a}}
  b: {type: bool}
  n: {type: integer, min: -5, max: 1000}
  m: {type: money}
  ip: {type: ip}
  t: {type: timestamp}
  u: {type: timestamp, fallback: t}
lists:
  words: {values: [alpha, beta]}
  nets: {values: [10.0.0.0/8, \"2001:db8::/32\"]}
  numbers: {values: [1, 2, 3]}
thresholds:
  limit: {value: 100, unit: USD}
levels:
  - id: high
    response: {from: t, within: 2 working days, citation: fuzz}
  - id: low
criteria:
  - id: high.fuzz
    level: high
    citation: fuzz
    when:
{when}
  - id: low.any
    level: low
    citation: fuzz
    when: {e: [a, b, c]}
triggers:
  - id: declare.fuzz
    citation: fuzz
    when:
{when}
";

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (condition, records) = data.split_at(split);
    let Ok(condition) = std::str::from_utf8(condition) else {
        return;
    };
    let records = records.get(1..).unwrap_or_default();
    let indented: String = condition.lines().map(|l| format!("      {l}\n")).collect();
    let text = TEMPLATE.replace("{when}", indented.trim_end_matches('\n'));
    let Ok(ruleset) =
        docket::ruleset::load_bytes(&docket_fuzz::fuzz_ruleset_path(), text.into_bytes())
    else {
        return;
    };
    let classifier = docket::classify::Classifier::new(&ruleset, None);
    docket_fuzz::classify_bytes(
        &classifier,
        records,
        docket::input::InputFormat::Jsonl,
        true,
    );
});

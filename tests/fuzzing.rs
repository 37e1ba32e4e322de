//! The byte entry points the fuzz targets (fuzz/) drive, and the inputs the
//! fuzzers found that once crashed or misbehaved: each is a regression test
//! here, not only a corpus file.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use docket::audit::HistoryReader;
use docket::diagnostic::Code;
use docket::input::{self, InputFormat, Item, ReadOptions};

mod common;
use common::repo;

fn codes(error: &docket::ruleset::LoadError) -> Vec<Code> {
    error.diagnostics.iter().map(|d| d.code).collect()
}

/// Reads `bytes` as `format` through the public byte entry point.
fn items(bytes: &[u8], format: InputFormat, options: &ReadOptions) -> Vec<Item> {
    let reader = Box::new(Cursor::new(bytes.to_vec()));
    input::from_reader(reader, Arc::from("mem"), format, options)
        .expect("the input opens")
        .collect::<Result<_, _>>()
        .expect("the input reads")
}

#[test]
fn load_bytes_loads_a_root_file_as_load_does_with_its_includes() {
    let root = repo().join("rules/usda/ruleset.yaml");
    let bytes = std::fs::read(&root).unwrap();
    let from_bytes = docket::ruleset::load_bytes(&root, bytes).expect("usda loads from bytes");
    let from_disk = docket::ruleset::load(&repo().join("rules/usda")).expect("usda loads");
    assert_eq!(from_bytes.criteria.len(), from_disk.criteria.len());
    assert_eq!(from_bytes.sources.files().count(), 10);
}

#[test]
fn load_bytes_refuses_invalid_utf8_with_its_line() {
    let error =
        docket::ruleset::load_bytes(Path::new("mem.yaml"), b"id: x\ntitle: \xff\n".to_vec())
            .expect_err("invalid UTF-8 is an error");
    assert_eq!(codes(&error), [Code::Io]);
    let message = &error.diagnostics.iter().next().unwrap().message;
    assert!(message.contains("mem.yaml:2: not valid UTF-8"), "{message}");
}

#[cfg(target_os = "linux")]
#[test]
fn an_include_of_an_endless_file_stops_at_the_size_limit() {
    // /dev/zero reports a size of 0, so only a bounded read stops it.
    let text = b"id: x\ntitle: x\ntimezone: UTC\ninclude: /dev/zero\n".to_vec();
    let error = docket::ruleset::load_bytes(Path::new("mem.yaml"), text)
        .expect_err("an endless include is an error");
    let io = error
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Io)
        .expect("an io error at the include");
    assert!(
        io.message.contains("/dev/zero is more than"),
        "{}",
        io.message
    );
}

#[test]
fn from_reader_reads_each_format_from_memory() {
    let options = ReadOptions {
        snort_layouts: vec![vec!["timestamp".into(), "msg".into()]],
        field_names: vec!["category".into()],
    };
    let count = |bytes: &[u8], format| {
        items(bytes, format, &options)
            .iter()
            .filter(|i| matches!(i, Item::Record(_)))
            .count()
    };
    assert_eq!(count(b"category\nscan\nbreak-in\n", InputFormat::Csv), 2);
    assert_eq!(count(b"{\"category\": \"scan\"}\n", InputFormat::Jsonl), 1);
    assert_eq!(
        count(
            b"{\"event_type\": \"alert\"}\n{\"event_type\": \"dns\"}\n",
            InputFormat::Suricata
        ),
        1
    );
    assert_eq!(
        count(b"01/02-03:04:05.000000,ET SCAN\n", InputFormat::Snort),
        1
    );
}

#[test]
fn history_read_bytes_reads_both_layouts_from_memory() {
    let ruleset = docket::ruleset::load(&repo().join("rules/usda")).unwrap();
    let mut reader = HistoryReader::new(&ruleset);
    for file in ["usda-history.csv", "usda-history.jsonl"] {
        let bytes = std::fs::read(repo().join("fixtures/audit").join(file)).unwrap();
        reader
            .read_bytes(Arc::from(file), &bytes)
            .expect("the history reads");
    }
    let histories = reader.finish();
    assert!(histories.rejects.is_empty(), "{:?}", histories.rejects);
    assert!(histories.incidents.len() >= 2);
}

/// Found by the `check` and `ruleset` targets as timeouts (35 s under
/// AddressSanitizer): the alias-bomb fixture cut after its seventh list,
/// which expands to 9^7 nodes. It is refused at the node budget, in 0.2 s
/// in a release build; the test pins that it stays a budget error.
#[test]
fn a_seven_level_alias_bomb_the_fuzzer_found_stops_at_the_node_budget() {
    let mut text =
        String::from("id: alias-bomb\ntitle: Aliases that multiply\ntimezone: UTC\nlists:\n");
    text.push_str("  a: {values: &a [x, x, x, x, x, x, x, x, x]}\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f"])
    {
        let aliases = vec![format!("*{previous}"); 9].join(", ");
        text.push_str(&format!("  {name}: {{values: &{name} [{aliases}]}}\n"));
    }
    let error = docket::ruleset::load_bytes(Path::new("bomb.yaml"), text.into_bytes())
        .expect_err("an alias bomb is an error");
    assert_eq!(codes(&error), [Code::YamlBudget]);
    let message = &error.diagnostics.iter().next().unwrap().message;
    assert!(message.contains("more than 250000 YAML nodes"), "{message}");
}

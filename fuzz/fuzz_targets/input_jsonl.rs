//! The jsonl reader, and what follows it in `docket classify`: every
//! record mapped, classified and written as rows, with the USDA
//! ruleset. Checks that every record read is classified, rejected or
//! skipped, and that every non-blank line is one record read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let counts = docket_fuzz::classify_bytes(
        docket_fuzz::usda_classifier(),
        data,
        docket::input::InputFormat::Jsonl,
        false,
    );
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    let has_bom = data.windows(3).any(|w| w == b"\xEF\xBB\xBF");
    if let (Some(counts), false, false) = (counts, first == Some(&b'['), has_bom) {
        let lines = data
            .split(|b| *b == b'\n')
            .filter(|line| line.iter().any(|b| !b.is_ascii_whitespace()))
            .count() as u64;
        assert_eq!(counts.read, lines, "every non-blank line is one record");
    }
});

//! The suricata reader, and what follows it in `docket classify`: every
//! record mapped, classified and written as rows, with the USDA
//! ruleset. Checks that every record read is classified, rejected or skipped.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_fuzz::classify_bytes(
        docket_fuzz::usda_classifier(),
        data,
        docket::input::InputFormat::Suricata,
        false,
    );
});

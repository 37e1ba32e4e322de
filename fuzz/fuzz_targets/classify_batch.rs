//! `docket classify`'s batch path against the general one on the same
//! canonical CSV: the fast mapping and row encoding must give exactly the
//! rows and rejects of the general value parser and row encoder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_fuzz::batch_matches_general(
        docket_fuzz::usda_classifier(),
        data,
        docket::input::InputFormat::Csv,
    );
});

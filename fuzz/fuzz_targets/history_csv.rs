//! Incident histories (seeded with csv ones; the reader picks the layout by
//! the first byte, as `docket audit` does), audited with the USDA ruleset
//! and rendered as findings and the quarterly report.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    docket_fuzz::audit_bytes(data);
});

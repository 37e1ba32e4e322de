//! The checker: a ruleset that loads is analysed (gaps, overlaps, dead
//! rules), its findings rendered in every format, and the ruleset's own
//! rule tests are not run (they need files) but a classifier is built from
//! it, as `classify` would.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(ruleset) = docket::ruleset::load_bytes(&docket_fuzz::fuzz_ruleset_path(), data.to_vec())
    else {
        return;
    };
    let findings = docket::check::analyse(&ruleset);
    docket_fuzz::render_all(&findings, &ruleset.sources);
    let _ = docket::classify::Classifier::new(&ruleset, None);
});

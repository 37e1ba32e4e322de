//! The ruleset loader: any bytes as a root rule file, loaded as `docket
//! check` loads a file, then its diagnostics rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match docket::ruleset::load_bytes(&docket_fuzz::fuzz_ruleset_path(), data.to_vec()) {
        Ok(ruleset) => {
            docket_fuzz::render_all(&docket::diagnostic::Diagnostics::new(), &ruleset.sources)
        }
        Err(error) => docket_fuzz::render_all(&error.diagnostics, &error.sources),
    }
});

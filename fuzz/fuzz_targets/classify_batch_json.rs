//! `docket classify`'s batch path against the general one on the same JSON
//! lines, canonical or Suricata EVE (the first byte chooses): lines parsed
//! by the workers must give exactly the rows and rejects of the
//! one-at-a-time reader.
#![no_main]

use docket::input::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((choice, rest)) = data.split_first() else {
        return;
    };
    let format = if choice % 2 == 0 {
        InputFormat::Jsonl
    } else {
        InputFormat::Suricata
    };
    docket_fuzz::batch_matches_general(docket_fuzz::usda_classifier(), rest, format);
});

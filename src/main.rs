//! The `docket` binary; everything lives in the library.

fn main() {}

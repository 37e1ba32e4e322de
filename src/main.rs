//! The docket command-line interface.

fn main() {}

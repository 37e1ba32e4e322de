//! docket turns written cyber-incident policy into declarative YAML rulesets
//! and applies them: batch classification of IDS exports and complaints,
//! compliance audits of incident histories, and CI for rule changes.
//!
//! The library is usable without the command line: [`ruleset::load()`] reads
//! and resolves a ruleset, [`check::analyse`] finds policy gaps and dead
//! rules, and the classification and audit engines apply it.

// Input must never panic docket: no unwrap, expect, panic or unchecked
// indexing in the library (tests may). See "No panics on input" in the README.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod allocation;
pub mod audit;
pub mod calendar;
pub mod check;
pub mod classify;
pub mod cli;
pub mod condition;
pub mod datafile;
pub mod diagnostic;
pub mod diff;
pub mod explain;
pub mod input;
pub mod inventory;
pub mod output;
pub mod parallel;
pub mod plan;
pub mod record;
pub mod roster;
pub mod rule_tests;
pub mod ruleset;
pub mod schema;
pub mod source;

//! Rulesets: the YAML format, loading, and the typed model.
//!
//! A ruleset is a directory with a root `ruleset.yaml` (or a single file)
//! that may include other files. [`load()`] reads them all, reports every
//! problem with its location, and returns a [`Ruleset`] whose names are all
//! resolved.

mod enumeration;
pub mod load;
pub mod lower;
pub mod model;
pub mod reader;
pub mod shape;
pub mod symbols;
pub mod yaml;

pub use load::{LoadError, ROOT_FILE, load, load_bytes};
pub use model::Ruleset;

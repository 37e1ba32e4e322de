//! Writing results: files that appear whole or not at all, and the row
//! formats of each command.

pub mod affected;
mod atomic;
mod blocks;
pub mod cells;
pub mod ci;
pub mod classification;
mod classification_csv;
mod csv_row;
pub mod diff;
mod encoded;
pub mod findings;
mod local_time;
pub mod paths;
pub mod poam;
pub mod quarterly;
pub mod rejects;
pub mod table;

pub use atomic::{Destination, Sink};

//! The system inventory (the PADC profiles) and the advisories checked
//! against it.
//!
//! An inventory lists systems with their operating unit, owner,
//! administrator, the products and versions they run and the patches
//! applied; an advisory names affected products, version ranges and the
//! patches that fix them. [`assess`] says, for each system, whether it is
//! affected and unpatched, patched, not affected, or unknown because its
//! profile lacks what the question needs — never safe by default.

pub mod advisory;
mod assess;
mod csv;
mod version;
mod yaml;

use std::path::Path;

pub use advisory::Advisory;
pub use assess::{Assessment, Exposure, assess};
pub use version::Version;

use crate::datafile::{Inputs, is_csv};
use crate::source::Spanned;

/// The columns (CSV) or keys (YAML) of an inventory.
pub const COLUMNS: &[&str] = &[
    "system",
    "unit",
    "owner",
    "administrator",
    "product",
    "version",
    "patches",
];

/// A system inventory.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// The systems, in file order.
    pub systems: Vec<System>,
}

/// One system's profile. `None` means the profile does not say.
#[derive(Clone, Debug)]
pub struct System {
    /// Its name.
    pub id: Spanned<String>,
    /// The operating unit (or agency) it belongs to.
    pub unit: Option<Spanned<String>>,
    /// Its owner, by roster id.
    pub owner: Option<Spanned<String>>,
    /// Its administrator, by roster id.
    pub administrator: Option<Spanned<String>>,
    /// The products it runs; `None` when the profile lists none.
    pub products: Option<Vec<Product>>,
    /// The patches applied; `None` when the profile does not say, empty
    /// when it says none are.
    pub patches: Option<Vec<Spanned<String>>>,
}

/// A product a system runs.
#[derive(Clone, Debug)]
pub struct Product {
    /// Its name, as the vendor spells it.
    pub name: Spanned<String>,
    /// Its version, as written; `None` when the profile does not say.
    pub version: Option<Spanned<String>>,
}

impl Inventory {
    /// Reads an inventory: CSV when the file name ends in `.csv`, else YAML.
    /// Problems go to `inputs`; the systems read are returned either way.
    pub fn load(path: &Path, inputs: &mut Inputs) -> Inventory {
        if is_csv(path) {
            csv::load(path, inputs)
        } else {
            yaml::load(path, inputs)
        }
    }

    /// The operating units named, sorted, each once.
    pub fn units(&self) -> Vec<&str> {
        let mut units: Vec<&str> = self
            .systems
            .iter()
            .filter_map(|s| s.unit.as_ref().map(|u| u.value.as_str()))
            .collect();
        units.sort_unstable();
        units.dedup();
        units
    }
}

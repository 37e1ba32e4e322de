//! Reading an inventory from YAML.
//!
//! ```yaml
//! systems:
//!   - system: NIST-DB-01
//!     unit: NIST
//!     owner: nist-owner
//!     administrator: nist-admin
//!     products:
//!       - {product: Microsoft SQL Server, version: "8.00.194"}
//!     patches: [MS02-039]        # [] when none is applied; absent: unknown
//! ```

use std::collections::HashMap;
use std::path::Path;

use super::{Inventory, Product, System};
use crate::datafile::Inputs;
use crate::diagnostic::{Code, Diagnostic};
use crate::ruleset::reader::MapReader;
use crate::ruleset::shape::{KeySpec, Shape, opt, req};
use crate::source::Span;

const ROOT: &[KeySpec] = &[req(
    "systems",
    Shape::List(&Shape::Object(SYSTEM)),
    "The systems.",
)];

const SYSTEM: &[KeySpec] = &[
    req("system", Shape::Text, "The system's name."),
    opt("unit", Shape::Text, "Operating unit or agency."),
    opt("owner", Shape::Ident, "The system owner's roster id."),
    opt(
        "administrator",
        Shape::Ident,
        "The administrator's roster id.",
    ),
    opt(
        "products",
        Shape::List(&Shape::Object(PRODUCT)),
        "Products it runs.",
    ),
    opt(
        "patches",
        Shape::List(&Shape::Text),
        "Patches applied (`[]`: none).",
    ),
];

const PRODUCT: &[KeySpec] = &[
    req("product", Shape::Text, "Product name."),
    opt("version", Shape::Text, "Version as the vendor writes it."),
];

pub(super) fn load(path: &Path, inputs: &mut Inputs) -> Inventory {
    let mut inventory = Inventory::default();
    let Some((node, mut cx)) = inputs.read_yaml_cx(path) else {
        return inventory;
    };
    let Some(root) = MapReader::open(&mut cx, &node, ROOT, "an inventory") else {
        return inventory;
    };
    let Some(list) = root.get("systems") else {
        return inventory;
    };
    let mut seen: HashMap<String, Span> = HashMap::new();
    for item in cx.list(list, "`systems`") {
        let Some(r) = MapReader::open(&mut cx, item, SYSTEM, "a system") else {
            continue;
        };
        let Some(id) = r.text(&mut cx, "system") else {
            continue;
        };
        // Listed twice, a system would be counted twice (or, with two
        // different profiles, judged on whichever came last): the CSV form
        // merges rows of one system, the YAML form has one entry per system.
        if let Some(first) = seen.get(&id.value) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateId,
                    id.span,
                    format!("the inventory lists system `{}` twice", id.value),
                )
                .with_secondary(*first, "first listed here")
                .with_help("give each system one entry, with all its products"),
            );
            continue;
        }
        seen.insert(id.value.clone(), id.span);
        let products = r.get("products").map(|list| {
            cx.list(list, "`products`")
                .iter()
                .filter_map(|p| {
                    let r = MapReader::open(&mut cx, p, PRODUCT, "a product")?;
                    Some(Product {
                        name: r.text(&mut cx, "product")?,
                        version: r.text(&mut cx, "version"),
                    })
                })
                .collect()
        });
        let patches = r.get("patches").map(|list| {
            cx.list(list, "`patches`")
                .iter()
                .filter_map(|p| cx.text(p, "a patch"))
                .collect()
        });
        inventory.systems.push(System {
            id,
            unit: r.text(&mut cx, "unit"),
            owner: r.ident(&mut cx, "owner"),
            administrator: r.ident(&mut cx, "administrator"),
            products,
            patches,
        });
    }
    inventory
}

//! Reading an inventory from CSV.
//!
//! One row per system and product (`system,unit,owner,administrator,
//! product,version,patches`); rows naming the same system are merged, and
//! must agree on its unit, owner, administrator and patches. Empty cells
//! mean "not given". `patches` holds patch ids separated by `;`, or `none`
//! when the profile says no patch is applied — an empty cell leaves it
//! unknown.

use std::collections::BTreeMap;
use std::path::Path;

use super::{COLUMNS, Inventory, Product, System};
use crate::datafile::{Inputs, field_spans};
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::source::{Span, Spanned};

pub(super) fn load(path: &Path, inputs: &mut Inputs) -> Inventory {
    let Some(file) = inputs.read(path) else {
        return Inventory::default();
    };
    let text = inputs.sources.file(file).text().clone();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut columns: Vec<Option<usize>> = Vec::new();
    let mut loader = Loader {
        inventory: Inventory::default(),
        by_id: BTreeMap::new(),
        inputs,
    };
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let offset = error.position().map_or(0, |p| p.byte() as usize);
                loader.inputs.diagnostics.push(Diagnostic::error(
                    Code::InvalidValue,
                    Span::new(file, offset, 0),
                    format!("not a valid CSV row: {error}"),
                ));
                continue;
            }
        };
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let spans = field_spans(&text, start, file);
        let cells: Vec<Spanned<String>> = record
            .iter()
            .zip(
                spans
                    .iter()
                    .copied()
                    .chain(std::iter::repeat(Span::new(file, start, 0))),
            )
            .map(|(value, span)| Spanned::new(value.trim().to_owned(), span))
            .collect();
        if index == 0 {
            columns = loader.header(&cells, Span::new(file, start, 0));
            continue;
        }
        let cell = |name: &str| -> Option<Spanned<String>> {
            let column = COLUMNS.iter().position(|c| *c == name)?;
            let at = columns.iter().position(|c| *c == Some(column))?;
            cells.get(at).filter(|c| !c.value.is_empty()).cloned()
        };
        loader.row(&cell, Span::new(file, start, 0));
    }
    loader.inventory
}

struct Loader<'a> {
    inventory: Inventory,
    by_id: BTreeMap<String, usize>,
    inputs: &'a mut Inputs,
}

impl Loader<'_> {
    /// Maps each header cell to a known column, reporting unknown ones.
    fn header(&mut self, cells: &[Spanned<String>], row: Span) -> Vec<Option<usize>> {
        let mut columns = Vec::new();
        for cell in cells {
            let name = cell.value.to_ascii_lowercase();
            let known = COLUMNS.iter().position(|c| *c == name);
            if known.is_none() {
                let mut diagnostic = Diagnostic::error(
                    Code::UnknownKey,
                    cell.span,
                    format!("unknown inventory column `{}`", cell.value),
                );
                if let Some(help) = suggest::help_for(&name, "columns", COLUMNS.iter().copied()) {
                    diagnostic = diagnostic.with_help(help);
                }
                self.inputs.diagnostics.push(diagnostic);
            }
            columns.push(known);
        }
        if !columns.contains(&Some(0)) {
            self.inputs.diagnostics.push(
                Diagnostic::error(
                    Code::MissingKey,
                    row,
                    "the inventory has no `system` column",
                )
                .with_help(format!("the columns are: {}", COLUMNS.join(", "))),
            );
        }
        columns
    }

    fn row(&mut self, cell: &dyn Fn(&str) -> Option<Spanned<String>>, row: Span) {
        let Some(id) = cell("system") else {
            self.inputs.diagnostics.push(
                Diagnostic::error(Code::MissingKey, row, "this row names no system")
                    .with_label("the `system` cell is empty"),
            );
            return;
        };
        let product = cell("product");
        let version = cell("version");
        if let (None, Some(version)) = (&product, &version) {
            self.inputs.diagnostics.push(
                Diagnostic::error(
                    Code::MissingKey,
                    version.span,
                    "a version without a product",
                )
                .with_help("name the product this version is of in the `product` column"),
            );
        }
        let patches = cell("patches").map(|p| parse_patches(&p));
        let index = match self.by_id.get(&id.value) {
            Some(&index) => index,
            None => {
                self.by_id
                    .insert(id.value.clone(), self.inventory.systems.len());
                self.inventory.systems.push(System {
                    id: id.clone(),
                    unit: None,
                    owner: None,
                    administrator: None,
                    products: None,
                    patches: None,
                });
                self.inventory.systems.len() - 1
            }
        };
        let Some(system) = self.inventory.systems.get_mut(index) else {
            return;
        };
        let diagnostics = &mut self.inputs.diagnostics;
        let mut merge =
            |slot: &mut Option<Spanned<String>>, value: Option<Spanned<String>>, what| {
                if let Some(conflict) = merge_one(slot, value, &id.value, what) {
                    diagnostics.push(conflict);
                }
            };
        merge(&mut system.unit, cell("unit"), "unit");
        merge(&mut system.owner, cell("owner"), "owner");
        merge(
            &mut system.administrator,
            cell("administrator"),
            "administrator",
        );
        if let Some((patch_list, span)) = patches {
            match &system.patches {
                Some(known) if !same_patches(known, &patch_list) => {
                    diagnostics.push(conflicting(
                        span,
                        known.first().map(|p| p.span),
                        &id.value,
                        "patches",
                    ));
                }
                Some(_) => {}
                None => system.patches = Some(patch_list),
            }
        }
        if let Some(name) = product {
            system
                .products
                .get_or_insert_with(Vec::new)
                .push(Product { name, version });
        }
    }
}

/// Sets `slot` from `value`, or says how they disagree.
fn merge_one(
    slot: &mut Option<Spanned<String>>,
    value: Option<Spanned<String>>,
    system: &str,
    what: &str,
) -> Option<Diagnostic> {
    let value = value?;
    match slot {
        Some(known) if known.value != value.value => {
            Some(conflicting(value.span, Some(known.span), system, what))
        }
        Some(_) => None,
        None => {
            *slot = Some(value);
            None
        }
    }
}

fn conflicting(span: Span, first: Option<Span>, system: &str, what: &str) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        Code::InvalidValue,
        span,
        format!("system `{system}` is given another {what} than on an earlier row"),
    )
    .with_label(format!("this {what} differs"))
    .with_help("every row of one system must agree on its unit, owner, administrator and patches");
    match first {
        Some(first) => diagnostic.with_secondary(first, format!("first {what} given here")),
        None => diagnostic,
    }
}

fn same_patches(a: &[Spanned<String>], b: &[Spanned<String>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value)
}

/// `none`, or patch ids separated by `;`.
fn parse_patches(cell: &Spanned<String>) -> (Vec<Spanned<String>>, Span) {
    if cell.value.eq_ignore_ascii_case("none") {
        return (Vec::new(), cell.span);
    }
    let list = cell
        .value
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Spanned::new(p.to_owned(), cell.span))
        .collect();
    (list, cell.span)
}

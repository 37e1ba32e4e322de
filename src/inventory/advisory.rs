//! Advisories: which products and versions an event affects, and the
//! patches that fix them.
//!
//! ```yaml
//! id: CA-2003-04
//! title: MS-SQL Server Worm (SQL Slammer)
//! fixed_by: [MS02-039, MS02-061]   # any one of them fixes a system
//! affects:
//!   - product: Microsoft SQL Server
//!     versions: {gte: "8.00.0", lt: "8.00.760"}   # absent: every version
//! ```

use std::path::Path;

use super::Version;
use crate::datafile::Inputs;
use crate::diagnostic::{Code, Diagnostic};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape::{KeySpec, Shape, opt, req};
use crate::source::Spanned;

const ROOT: &[KeySpec] = &[
    req("id", Shape::Text, "The advisory's id."),
    opt("title", Shape::Text, "What it is about."),
    req(
        "fixed_by",
        Shape::Either(&[Shape::Text, Shape::List(&Shape::Text)]),
        "The patch (or patches, any one of which) that fixes the affected products.",
    ),
    req(
        "affects",
        Shape::List(&Shape::Object(AFFECTED)),
        "The affected products.",
    ),
];

const AFFECTED: &[KeySpec] = &[
    req(
        "product",
        Shape::Text,
        "Product name, as inventories spell it.",
    ),
    opt(
        "versions",
        Shape::Object(RANGE),
        "The affected versions; absent: all.",
    ),
];

const RANGE: &[KeySpec] = &[
    opt("gte", Shape::Text, "From this version on."),
    opt("gt", Shape::Text, "After this version."),
    opt("lte", Shape::Text, "Up to this version."),
    opt("lt", Shape::Text, "Before this version."),
];

/// An advisory.
#[derive(Clone, Debug)]
pub struct Advisory {
    /// Its id.
    pub id: Spanned<String>,
    /// Its title.
    pub title: Option<String>,
    /// Patches, any one of which fixes an affected system.
    pub fixed_by: Vec<Spanned<String>>,
    /// The affected products.
    pub affects: Vec<Affected>,
}

/// An affected product and version range.
#[derive(Clone, Debug)]
pub struct Affected {
    /// The product name.
    pub product: Spanned<String>,
    /// Bounds, each with whether it is inclusive.
    pub lower: Option<(Version, bool)>,
    /// Upper bound, with whether it is inclusive.
    pub upper: Option<(Version, bool)>,
}

impl Affected {
    /// Whether `version` lies in the range.
    pub fn contains(&self, version: &Version) -> bool {
        let above = self.lower.as_ref().is_none_or(|(bound, inclusive)| {
            if *inclusive {
                version >= bound
            } else {
                version > bound
            }
        });
        let below = self.upper.as_ref().is_none_or(|(bound, inclusive)| {
            if *inclusive {
                version <= bound
            } else {
                version < bound
            }
        });
        above && below
    }

    /// Whether an inventory's product name is this one (case and spacing
    /// aside).
    pub fn names(&self, product: &str) -> bool {
        normalise(product) == normalise(&self.product.value)
    }

    /// The range in words, e.g. `>= 8.00.0, < 8.00.760`.
    pub fn range_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some((v, inclusive)) = &self.lower {
            parts.push(format!("{} {v}", if *inclusive { ">=" } else { ">" }));
        }
        if let Some((v, inclusive)) = &self.upper {
            parts.push(format!("{} {v}", if *inclusive { "<=" } else { "<" }));
        }
        if parts.is_empty() {
            "all versions".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Advisory {
    /// Reads an advisory; `None` (with diagnostics in `inputs`) when it
    /// cannot be used.
    pub fn load(path: &Path, inputs: &mut Inputs) -> Option<Advisory> {
        let errors_before = inputs.diagnostics.count(crate::diagnostic::Severity::Error);
        let (node, mut cx) = inputs.read_yaml_cx(path)?;
        let root = MapReader::open(&mut cx, &node, ROOT, "an advisory")?;
        let id = root.text(&mut cx, "id");
        let title = root.text(&mut cx, "title").map(|t| t.value);
        let fixed_by = root.get("fixed_by").map_or_else(Vec::new, |n| {
            cx.one_or_many(n)
                .iter()
                .filter_map(|p| cx.text(p, "a patch"))
                .collect()
        });
        let mut affects = Vec::new();
        if let Some(list) = root.get("affects") {
            for item in cx.list(list, "`affects`") {
                if let Some(affected) = read_affected(&mut cx, item) {
                    affects.push(affected);
                }
            }
        }
        if inputs.diagnostics.count(crate::diagnostic::Severity::Error) > errors_before {
            return None;
        }
        Some(Advisory {
            id: id?,
            title,
            fixed_by,
            affects,
        })
    }

    /// Whether a patch id is one that fixes this advisory.
    pub fn is_fix(&self, patch: &str) -> bool {
        self.fixed_by
            .iter()
            .any(|p| p.value.eq_ignore_ascii_case(patch.trim()))
    }
}

fn read_affected(cx: &mut Cx<'_>, node: &crate::ruleset::yaml::Node) -> Option<Affected> {
    let r = MapReader::open(cx, node, AFFECTED, "an affected product")?;
    let product = r.text(cx, "product")?;
    let mut affected = Affected {
        product,
        lower: None,
        upper: None,
    };
    let Some(range) = r.get("versions") else {
        return Some(affected);
    };
    let range = MapReader::open(cx, range, RANGE, "a version range")?;
    for (key, inclusive, upper) in [
        ("gte", true, false),
        ("gt", false, false),
        ("lte", true, true),
        ("lt", false, true),
    ] {
        let Some(text) = range.text(cx, key) else {
            continue;
        };
        let Some(version) = Version::parse(&text.value) else {
            cx.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    text.span,
                    format!("`{}` is not a version", text.value),
                )
                .with_help("a version is numbers and words separated by `.`, `-`, `_` or `+`"),
            );
            continue;
        };
        let slot = if upper {
            &mut affected.upper
        } else {
            &mut affected.lower
        };
        if slot.is_some() {
            cx.report(Diagnostic::error(
                Code::InvalidValue,
                text.span,
                format!(
                    "a range takes one {} bound",
                    if upper { "upper" } else { "lower" }
                ),
            ));
        }
        *slot = Some((version, inclusive));
    }
    Some(affected)
}

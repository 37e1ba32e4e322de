//! Which systems an advisory leaves exposed.

use super::{Advisory, Inventory, System, Version};

/// What an advisory means for one system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// It runs an affected version and no fixing patch is applied.
    Affected,
    /// Its profile lacks something the question needs; never counted safe.
    Unknown,
    /// It runs an affected product and a fixing patch is applied.
    Patched,
    /// It runs no affected version.
    NotAffected,
}

impl Exposure {
    /// The word used in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Exposure::Affected => "affected",
            Exposure::Unknown => "unknown",
            Exposure::Patched => "patched",
            Exposure::NotAffected => "not-affected",
        }
    }
}

/// The verdict on one system.
#[derive(Clone, Debug)]
pub struct Assessment<'i> {
    /// The system.
    pub system: &'i System,
    /// The verdict.
    pub exposure: Exposure,
    /// The matching product and version, as written (`-` when none).
    pub product: String,
    /// Why, in words.
    pub reason: String,
}

impl Assessment<'_> {
    /// The system's operating unit, or `""` when its profile names none.
    pub fn unit(&self) -> &str {
        self.system.unit.as_ref().map_or("", |u| u.value.as_str())
    }

    /// Whether the system must be acted on (affected, or unknown).
    pub fn needs_action(&self) -> bool {
        matches!(self.exposure, Exposure::Affected | Exposure::Unknown)
    }
}

/// Assesses every system of the inventory, in file order.
pub fn assess<'i>(advisory: &Advisory, inventory: &'i Inventory) -> Vec<Assessment<'i>> {
    inventory
        .systems
        .iter()
        .map(|system| assess_one(advisory, system))
        .collect()
}

fn assess_one<'i>(advisory: &Advisory, system: &'i System) -> Assessment<'i> {
    let verdict = |exposure, product: String, reason: String| Assessment {
        system,
        exposure,
        product,
        reason,
    };
    let Some(products) = &system.products else {
        return with_unit(
            system,
            verdict(
                Exposure::Unknown,
                "-".into(),
                "the profile lists no products".into(),
            ),
        );
    };
    let mut vulnerable: Option<(String, String)> = None;
    let mut unknown: Option<(String, String)> = None;
    let mut matched = false;
    for product in products {
        for affected in advisory
            .affects
            .iter()
            .filter(|a| a.names(&product.name.value))
        {
            matched = true;
            let shown = |version: &str| format!("{} {version}", product.name.value);
            match &product.version {
                None => {
                    unknown.get_or_insert((
                        shown("(no version)"),
                        format!("no version given for {}", product.name.value),
                    ));
                }
                Some(text) => match Version::parse(&text.value) {
                    None => {
                        unknown.get_or_insert((
                            shown(&text.value),
                            format!("`{}` is not a version", text.value),
                        ));
                    }
                    Some(version) if affected.contains(&version) => {
                        vulnerable.get_or_insert((
                            shown(&text.value),
                            format!("version in {}", affected.range_text()),
                        ));
                    }
                    Some(_) => {}
                },
            }
        }
    }
    if !matched {
        return verdict(
            Exposure::NotAffected,
            "-".into(),
            "runs no affected product".into(),
        );
    }
    if let Some(fix) = system
        .patches
        .iter()
        .flatten()
        .find(|p| advisory.is_fix(&p.value))
    {
        let product = vulnerable.or(unknown).map_or("-".into(), |(p, _)| p);
        return verdict(
            Exposure::Patched,
            product,
            format!("patch {} applied", fix.value),
        );
    }
    let assessment = match (vulnerable, unknown) {
        (Some((product, reason)), _) if system.patches.is_none() => verdict(
            Exposure::Unknown,
            product,
            format!("{reason}; the profile does not say which patches are applied"),
        ),
        (Some((product, reason)), _) => {
            verdict(Exposure::Affected, product, format!("{reason}, unpatched"))
        }
        (None, Some((product, reason))) => verdict(Exposure::Unknown, product, reason),
        (None, None) => {
            return verdict(
                Exposure::NotAffected,
                "-".into(),
                "no affected version".into(),
            );
        }
    };
    with_unit(system, assessment)
}

/// A system that needs action but names no unit cannot be grouped or
/// routed: it is unknown, whatever else is known.
fn with_unit<'i>(system: &System, mut assessment: Assessment<'i>) -> Assessment<'i> {
    if system.unit.is_none() {
        assessment.exposure = Exposure::Unknown;
        assessment.reason = format!("{}; the profile names no operating unit", assessment.reason);
    }
    assessment
}

//! Static analysis of a loaded ruleset: what `docket check` warns about.
//!
//! Loading already rejects what cannot work (unknown names, wrong types).
//! These passes look for what works but is probably not what the policy
//! writer meant: values between two criteria that neither covers, criteria
//! that can never decide, declaration triggers that contradict each other,
//! definitions nothing uses, deadlines that can never start.

mod constraints;
mod coverage;
mod declaration;
mod forms;
mod shadowing;
mod usage;

pub use constraints::{Conjunction, FieldConstraint, Interval, Key, from_units, to_units};
pub use coverage::{Gap, Split, gaps, splits};
pub use forms::NormalForms;

use crate::diagnostic::Diagnostics;
use crate::ruleset::Ruleset;

/// Runs every analysis and returns the warnings, sorted by location.
pub fn analyse(ruleset: &Ruleset) -> Diagnostics {
    let forms = NormalForms::of(ruleset);
    let mut out = Diagnostics::new();
    coverage::report(ruleset, &forms, &mut out);
    shadowing::report(ruleset, &forms, &mut out);
    declaration::report(ruleset, &forms, &mut out);
    usage::report(ruleset, &forms, &mut out);
    out.sort();
    out
}

//! Test results as diagnostics, so that a failing case is shown like any
//! other finding: at its line, with the expectation that did not hold
//! underlined, in every format `check` has (human, plain, JSON) and in the
//! CI formats (GitHub annotations, SARIF, JUnit).

use super::coverage::Coverage;
use super::{CaseResult, TestRun, Verdict};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::Ruleset;

/// One diagnostic per failed or broken case, in the order written.
pub fn failures(run: &TestRun) -> Diagnostics {
    let mut out = Diagnostics::new();
    for result in &run.results {
        if let Some(diagnostic) = failure(result) {
            out.push(diagnostic);
        }
    }
    out
}

/// The diagnostic of one case, `None` when it passed.
pub fn failure(result: &CaseResult) -> Option<Diagnostic> {
    match &result.verdict {
        Verdict::Pass => None,
        Verdict::Error(message) => Some(
            Diagnostic::error(
                Code::TestError,
                result.span,
                format!("test `{}` could not run: {message}", result.name),
            )
            .with_label("this case"),
        ),
        Verdict::Fail(mismatches) => {
            let what = mismatches
                .iter()
                .map(|m| m.what.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut diagnostic = Diagnostic::error(
                Code::TestFailed,
                result.span,
                format!(
                    "test `{}` failed: {what} {}",
                    result.name,
                    if mismatches.len() == 1 {
                        "differs"
                    } else {
                        "differ"
                    }
                ),
            )
            .with_label("this case");
            for m in mismatches {
                diagnostic = diagnostic.with_secondary(
                    m.span,
                    format!("{}: expected `{}`, got `{}`", m.what, m.expected, m.actual),
                );
            }
            Some(diagnostic.with_help(
                "if the rule change is intended, update the expectation; otherwise the change broke this case",
            ))
        }
    }
}

/// One warning per requirement no passing case meets.
pub fn uncovered(ruleset: &Ruleset, coverage: &Coverage) -> Diagnostics {
    let mut out = Diagnostics::new();
    for item in coverage.uncovered() {
        out.push(
            Diagnostic::warning(
                Code::Uncovered,
                item.span,
                format!("not covered by a passing test: {}", item.describe(ruleset)),
            )
            .with_label("no passing case exercises this")
            .with_help(item.help(ruleset)),
        );
    }
    out
}

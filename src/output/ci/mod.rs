//! Reports for CI systems: JUnit XML, SARIF 2.1.0 and GitHub workflow
//! annotations, so that a failing rule check or rule test shows up in the
//! pull request at the YAML line concerned.
//!
//! `check` and `test` both describe their run as a [`Suite`] of cases (a
//! ruleset file that checks clean, a rule test that passes) plus the
//! diagnostics found; each writer takes what its format can carry.

pub mod github;
pub mod junit;
pub mod sarif;

/// One run of `check` or `test`, as CI formats see it.
#[derive(Clone, Debug)]
pub struct Suite {
    /// What ran (`docket test rules/usda`).
    pub name: String,
    /// The cases, in order.
    pub cases: Vec<Case>,
}

/// One case of a [`Suite`].
#[derive(Clone, Debug)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// The file it comes from, as given.
    pub file: String,
    /// What went wrong; empty when it passed.
    pub failures: Vec<Failure>,
    /// Remarks that do not fail it (warnings).
    pub notes: Vec<String>,
}

/// Why a [`Case`] failed.
#[derive(Clone, Debug)]
pub struct Failure {
    /// Short message.
    pub message: String,
    /// Kind of failure (a diagnostic code).
    pub kind: String,
    /// Details (expected against actual, file:line of each).
    pub detail: String,
}

impl Failure {
    /// A diagnostic as a failure: its message, its code, and every label
    /// with its location.
    pub fn from_diagnostic(
        diagnostic: &crate::diagnostic::Diagnostic,
        sources: &crate::source::SourceMap,
    ) -> Self {
        let mut detail = String::new();
        for label in &diagnostic.labels {
            detail.push_str(&format!(
                "{}: {}\n",
                sources.location(label.span),
                label.message
            ));
        }
        if let Some(help) = &diagnostic.help {
            detail.push_str(&format!("help: {help}\n"));
        }
        Failure {
            message: diagnostic.message.clone(),
            kind: diagnostic.code.as_str().to_owned(),
            detail,
        }
    }
}

/// A `check` run as a suite: one case per ruleset file, failed by its
/// errors (and by its warnings when they are denied); other warnings are
/// notes. Diagnostics without a place fail a case named after the ruleset.
pub fn check_suite(
    name: String,
    diagnostics: &crate::diagnostic::Diagnostics,
    sources: &crate::source::SourceMap,
    deny_warnings: bool,
) -> Suite {
    use crate::diagnostic::Severity;
    let mut cases: Vec<Case> = sources
        .files()
        .map(|(_, file)| Case {
            name: format!("{} checks clean", file.path().display()),
            file: file.path().display().to_string(),
            failures: Vec::new(),
            notes: Vec::new(),
        })
        .collect();
    for diagnostic in diagnostics.iter() {
        let index = match diagnostic.span() {
            Some(span) => span.file.index(),
            None => {
                cases.push(Case {
                    name: name.clone(),
                    file: name.clone(),
                    failures: Vec::new(),
                    notes: Vec::new(),
                });
                cases.len() - 1
            }
        };
        let Some(case) = cases.get_mut(index) else {
            continue;
        };
        if diagnostic.severity == Severity::Error || deny_warnings {
            case.failures
                .push(Failure::from_diagnostic(diagnostic, sources));
        } else {
            let at = diagnostic
                .span()
                .map(|s| format!("{}: ", sources.location(s)))
                .unwrap_or_default();
            case.notes.push(format!(
                "{at}warning[{}]: {}",
                diagnostic.code, diagnostic.message
            ));
        }
    }
    Suite { name, cases }
}

//! Diagnostics: what `docket check` (and every loader) reports about a file.
//!
//! A [`Diagnostic`] is plain data: a severity, a stable [`Code`], a message,
//! labelled spans into the [`SourceMap`](crate::source::SourceMap) and an
//! optional help line. Keeping it plain lets the same finding be rendered for
//! a person (through miette), for a snapshot test (plain text), or for a
//! machine (JSON) without the checks knowing how they will be shown.

mod code;
mod render;
pub mod suggest;

pub use code::Code;
pub use render::{Format, render, render_json};

use crate::source::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The ruleset cannot be used until this is fixed.
    Error,
    /// The ruleset works, but probably not as its author meant (a policy gap,
    /// a rule that can never decide). `--deny-warnings` makes these fatal.
    Warning,
}

impl Severity {
    /// The lowercase word used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with the text shown under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// One finding about a ruleset file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable identifier, for filtering and for documentation.
    pub code: Code,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The places involved; the first one is the primary location.
    pub labels: Vec<Label>,
    /// How to fix it, when docket knows.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error with its primary location.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, span, message)
    }

    /// A new warning with its primary location.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, span, message)
    }

    /// An error about no place in particular (a file that cannot be opened).
    pub fn bare(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    fn new(severity: Severity, code: Code, span: Span, message: impl Into<String>) -> Self {
        let message = message.into();
        Diagnostic {
            severity,
            code,
            labels: vec![Label {
                span,
                message: code.default_label().to_owned(),
            }],
            message,
            help: None,
        }
    }

    /// Replaces the text under the primary location.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        if let Some(first) = self.labels.first_mut() {
            first.message = message.into();
        }
        self
    }

    /// Adds a secondary location.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The primary location.
    pub fn span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// An ordered collection of diagnostics, as a loader or a check pass builds it.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds all of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one error was found.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The number of diagnostics of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics, in the order [`sort`](Self::sort) left them.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Orders diagnostics by file and position, errors before warnings at the
    /// same place, so that output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (a.span(), a.severity, &a.message).cmp(&(b.span(), b.severity, &b.message))
        });
        self.items.dedup();
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

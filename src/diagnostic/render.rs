//! Rendering diagnostics for people (miette) and machines (JSON).

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{Diagnostic, Diagnostics, Severity};
use crate::source::{SourceMap, Span};

/// How to show diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette's graphical report with colours, for a terminal.
    Human,
    /// The same report without colours, stable enough for snapshot tests and logs.
    Plain,
    /// One JSON document, for tools.
    Json,
}

/// Renders every diagnostic in `diagnostics`.
pub fn render(diagnostics: &Diagnostics, sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Json => {
            let mut out = render_json(diagnostics, sources).to_string();
            out.push('\n');
            out
        }
        Format::Human | Format::Plain => {
            let theme = if format == Format::Human {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false);
            let mut out = String::new();
            for diagnostic in diagnostics.iter() {
                let report = MietteView::new(diagnostic, sources);
                // Rendering into a String cannot fail except through a bug in
                // miette; fall back to the bare message rather than lose it.
                if handler.render_report(&mut out, &report).is_err() {
                    out.push_str(&diagnostic.message);
                }
                out.push('\n');
            }
            out
        }
    }
}

/// The diagnostics as a JSON array, one object each, with 1-based lines and
/// columns of every label.
// Indexing a serde_json object built here inserts or reads a key; it
// cannot panic.
#[allow(clippy::indexing_slicing)]
pub fn render_json(diagnostics: &Diagnostics, sources: &SourceMap) -> serde_json::Value {
    let items = diagnostics
        .iter()
        .map(|d| {
            let mut object = serde_json::json!({
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "message": d.message,
                "help": d.help,
                "labels": d.labels.iter().map(|l| {
                    let mut label = position_json(l.span, sources);
                    label["message"] = l.message.clone().into();
                    label
                }).collect::<Vec<_>>(),
            });
            if let Some(span) = d.span() {
                for (key, value) in position_json(span, sources)
                    .as_object()
                    .into_iter()
                    .flatten()
                {
                    object[key] = value.clone();
                }
            }
            object
        })
        .collect::<Vec<_>>();
    serde_json::Value::Array(items)
}

fn position_json(span: Span, sources: &SourceMap) -> serde_json::Value {
    let file = sources.file(span.file);
    let (line, column) = file.line_column(span.start as usize);
    let (end_line, end_column) = file.line_column(span.end());
    serde_json::json!({
        "file": file.path().display().to_string(),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

/// How many lines from the primary label a secondary label may be and still
/// share its snippet.
const NEARBY_LINES: usize = 8;

/// A [`Diagnostic`] seen through miette's trait. Labels in files other than
/// the primary one become related reports, since a miette report shows one
/// source.
struct MietteView {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<MietteView>,
}

impl MietteView {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let severity = match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let primary = diagnostic.span();
        let primary_line = primary.map(|s| sources.line_column(s).0);
        // A label in another file, or far from the primary one, gets its own
        // snippet: one snippet spanning sixty lines helps nobody.
        let nearby = |span: Span| {
            primary.is_some_and(|p| p.file == span.file)
                && primary_line
                    .is_some_and(|line| sources.line_column(span).0.abs_diff(line) <= NEARBY_LINES)
        };
        let mut labels = Vec::new();
        let mut related = Vec::new();
        for (i, label) in diagnostic.labels.iter().enumerate() {
            let labeled = LabeledSpan::new_with_span(
                Some(label.message.clone()),
                (label.span.start as usize, label.span.len as usize),
            );
            if i == 0 || nearby(label.span) {
                labels.push(if i == 0 {
                    LabeledSpan::new_primary_with_span(
                        Some(label.message.clone()),
                        (label.span.start as usize, label.span.len as usize),
                    )
                } else {
                    labeled
                });
            } else {
                related.push(MietteView {
                    message: format!("see also {}", sources.location(label.span)),
                    code: diagnostic.code.as_str(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(named_source(sources, label.span)),
                    labels: vec![labeled],
                    related: Vec::new(),
                });
            }
        }
        MietteView {
            message: diagnostic.message.clone(),
            code: diagnostic.code.as_str(),
            severity,
            help: diagnostic.help.clone(),
            source: diagnostic.span().map(|s| named_source(sources, s)),
            labels,
            related,
        }
    }
}

fn named_source(sources: &SourceMap, span: Span) -> NamedSource<Arc<str>> {
    let file = sources.file(span.file);
    NamedSource::new(file.path().display().to_string(), Arc::clone(file.text()))
        .with_language("yaml")
}

impl fmt::Debug for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteView {}

impl miette::Diagnostic for MietteView {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("docket::{}", self.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

//! SARIF 2.1.0: the static-analysis format code-scanning services ingest.
//! Every diagnostic is a result at its file, line and column, with its
//! other labels as related locations; every code docket can report is a
//! rule of the tool's driver.

use serde_json::{Value, json};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use crate::source::{SourceMap, Span};

/// The SARIF schema version written.
pub const VERSION: &str = "2.1.0";
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The diagnostics as one SARIF log.
pub fn render(diagnostics: &Diagnostics, sources: &SourceMap) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.description()},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics.iter().map(|d| result(d, sources)).collect();
    json!({
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "docket",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

// Indexing a serde_json object built here inserts or reads a key; it
// cannot panic.
#[allow(clippy::indexing_slicing)]
fn result(diagnostic: &Diagnostic, sources: &SourceMap) -> Value {
    let mut text = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!(" (help: {help})"));
    }
    let rule_index = Code::ALL
        .iter()
        .position(|c| *c == diagnostic.code)
        .unwrap_or(0);
    let mut result = json!({
        "ruleId": diagnostic.code.as_str(),
        "ruleIndex": rule_index,
        "level": match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        "message": {"text": text},
    });
    if let Some(first) = diagnostic.labels.first() {
        result["locations"] = json!([location(first.span, &first.message, sources)]);
    }
    let related: Vec<Value> = diagnostic
        .labels
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, label)| {
            let mut l = location(label.span, &label.message, sources);
            l["id"] = json!(i);
            l
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    result
}

fn location(span: Span, message: &str, sources: &SourceMap) -> Value {
    let file = sources.file(span.file);
    let (line, column) = file.line_column(span.start as usize);
    let (end_line, end_column) = file.line_column(span.end());
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&file.path().display().to_string())},
            "region": {
                "startLine": line,
                "startColumn": column,
                "endLine": end_line,
                "endColumn": end_column,
            },
        },
        "message": {"text": message},
    })
}

/// A relative path as a URI reference: forward slashes, reserved characters
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

//! GitHub Actions workflow commands: `::error file=...,line=...::message`
//! lines on stdout become annotations on the pull request's diff.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::source::SourceMap;

/// One annotation line per diagnostic.
pub fn render(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        out.push_str(&annotation(diagnostic, sources));
        out.push('\n');
    }
    out
}

fn annotation(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![format!(
        "title={}",
        property(&format!("docket {}", diagnostic.code))
    )];
    if let Some(span) = diagnostic.span() {
        let file = sources.file(span.file);
        let (line, column) = file.line_column(span.start as usize);
        let (end_line, end_column) = file.line_column(span.end());
        properties.insert(
            0,
            format!("file={}", property(&file.path().display().to_string())),
        );
        properties.insert(1, format!("line={line}"));
        properties.insert(2, format!("col={column}"));
        properties.insert(3, format!("endLine={end_line}"));
        if end_line == line {
            properties.insert(4, format!("endColumn={end_column}"));
        }
    }
    let mut message = diagnostic.message.clone();
    for label in diagnostic.labels.iter().skip(1) {
        message.push_str(&format!(
            "\n{}: {}",
            sources.location(label.span),
            label.message
        ));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{command} {}::{}", properties.join(","), data(&message))
}

/// Escapes a message: `%`, carriage returns and newlines.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`data`], plus `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_in_values_are_escaped_so_the_command_still_parses() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}

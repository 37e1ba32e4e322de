//! JUnit XML, in the form Jenkins, GitLab and the GitHub test reporters read
//! (the `junit-4.xsd` schema): one `<testsuite>` with a `<testcase>` per case.
//!
//! No timing or host attributes are written, so the same run gives the same
//! file.

use std::fmt::Write;

use super::Suite;

/// The suite as a JUnit XML document.
pub fn render(suite: &Suite) -> String {
    let failures: usize = suite
        .cases
        .iter()
        .filter(|c| !c.failures.is_empty())
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">",
        name = escape(&suite.name),
        tests = suite.cases.len(),
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        name = escape(&suite.name),
        tests = suite.cases.len(),
    );
    for case in &suite.cases {
        let file = escape(&case.file);
        let name = escape(&case.name);
        // junit-4.xsd has no `line` attribute: the line is in each
        // failure's text, as `file:line:column: ...`.
        let _ = write!(
            out,
            "    <testcase name=\"{name}\" classname=\"{file}\" file=\"{file}\""
        );
        if case.failures.is_empty() && case.notes.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        for failure in &case.failures {
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&failure.message),
                escape(&failure.kind),
                escape(&failure.detail)
            );
        }
        if !case.notes.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&case.notes.join("\n"))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes text for an attribute or element, dropping the characters XML
/// 1.0 cannot hold at all (control characters other than tab and newlines).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Case, Failure};
    use super::*;

    #[test]
    fn markup_and_control_characters_in_names_cannot_break_the_document() {
        let suite = Suite {
            name: "docket test <rules>".into(),
            cases: vec![Case {
                name: "a \"quoted\" & <tagged>\u{1} name".into(),
                file: "rules/x.yaml".into(),
                failures: vec![Failure {
                    message: "level: expected `high`, got `medium`".into(),
                    kind: "test-failed".into(),
                    detail: "line one\nline <two>".into(),
                }],
                notes: Vec::new(),
            }],
        };
        let xml = render(&suite);
        assert!(xml.contains(
            "<testcase name=\"a &quot;quoted&quot; &amp; &lt;tagged&gt; name\" classname=\"rules/x.yaml\" file=\"rules/x.yaml\">"
        ));
        assert!(xml.contains(">line one&#10;line &lt;two&gt;</failure>"));
        assert!(!xml.contains('\u{1}'));
        assert!(xml.contains("tests=\"1\" failures=\"1\""));
    }
}

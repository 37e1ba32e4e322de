//! Data files read next to a ruleset: system inventories, advisories and
//! call rosters.
//!
//! They are loaded into a [`SourceMap`] like rule files, so that every
//! problem is a [`Diagnostic`] with its file, line and column, rendered the
//! same way `docket check` renders a ruleset's.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::load::{TextLimit, read_text_within};
use crate::ruleset::reader::Cx;
use crate::ruleset::yaml::{self, MAX_RULE_FILE_BYTES, Node};
use crate::source::{FileId, SourceMap, Span};

/// The largest CSV data file read, in bytes (128 MiB). A department's
/// inventory has a row per system and product: at about 130 bytes a row
/// this is a million rows. Such a file is held whole, every value with its
/// place for diagnostics, which takes about 16 times the file's size (a
/// 52 MB inventory took 820 MB), so the limit bounds memory near 2 GB.
/// Unlike YAML, CSV has no aliases to expand.
pub const MAX_CSV_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// The files read so far and what is wrong with them.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Every file read, for rendering diagnostics.
    pub sources: SourceMap,
    /// Every problem found.
    pub diagnostics: Diagnostics,
}

impl Inputs {
    /// Nothing read yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a file as UTF-8 text; an unreadable one is an error diagnostic.
    /// A YAML file may be as large as a rule file; a CSV file (an
    /// inventory, a plan) up to [`MAX_CSV_FILE_BYTES`].
    pub fn read(&mut self, path: &Path) -> Option<FileId> {
        let limit = if is_csv(path) {
            TextLimit {
                bytes: MAX_CSV_FILE_BYTES,
                files: "CSV data files",
            }
        } else {
            TextLimit {
                bytes: MAX_RULE_FILE_BYTES,
                files: "YAML data files",
            }
        };
        match read_text_within(path, limit) {
            Ok(text) => Some(self.sources.add(path, text)),
            Err(message) => {
                self.diagnostics.push(Diagnostic::bare(Code::Io, message));
                None
            }
        }
    }

    /// Reads and parses a YAML file.
    pub fn read_yaml(&mut self, path: &Path) -> Option<(FileId, Node)> {
        let file = self.read(path)?;
        match yaml::parse(file, self.sources.file(file)) {
            Ok(node) => Some((file, node)),
            Err(diagnostic) => {
                self.diagnostics.push(*diagnostic);
                None
            }
        }
    }

    /// Reads and parses a YAML file, ready for typed reading: its root node
    /// and a reading context whose diagnostics go to these inputs.
    pub fn read_yaml_cx(&mut self, path: &Path) -> Option<(Node, Cx<'_>)> {
        let (file, node) = self.read_yaml(path)?;
        let cx = Cx {
            file,
            source: self.sources.file(file),
            diagnostics: &mut self.diagnostics,
            regexes: Default::default(),
        };
        Some((node, cx))
    }

    /// True when an error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Whether a path names a CSV file (by its extension), else YAML.
pub fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// The span of each field of the CSV record starting at `start`, found by
/// scanning the raw text (quotes respected) up to the end of the record.
pub fn field_spans(text: &str, start: usize, file: FileId) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut field_start = start;
    let mut quoted = false;
    let mut end = bytes.len().max(start);
    for (i, byte) in bytes.iter().enumerate().skip(start) {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                spans.push(Span::new(file, field_start, i - field_start));
                field_start = i + 1;
            }
            b'\n' | b'\r' if !quoted => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    spans.push(Span::new(file, field_start, end - field_start));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    #[test]
    fn field_spans_respect_quotes() {
        let mut map = SourceMap::new();
        let text = "a,\"b,c\",d\nx,y\n";
        let file = map.add("t.csv", text);
        let spans = field_spans(text, 0, file);
        let slices: Vec<&str> = spans.iter().map(|s| map.file(file).slice(*s)).collect();
        assert_eq!(slices, ["a", "\"b,c\"", "d"]);
        let second = field_spans(text, 10, file);
        assert_eq!(map.location(second[1]), "t.csv:2:3");
    }
}

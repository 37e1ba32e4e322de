//! Source files and spans.
//!
//! Every diagnostic docket prints points into a file the user wrote. The
//! [`SourceMap`] owns the text of every file loaded for a ruleset (the root and
//! its includes), so that a diagnostic found long after parsing (a gap between
//! two criteria in different files, say) can still show the lines it is about.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Identifies one file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

impl FileId {
    /// The position of the file in its map, for ordering and tests.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range in one source file.
///
/// Spans are small and `Copy` so that every node of the ruleset model can carry
/// one without cost. A span of length zero marks a position (a missing key is
/// reported at the start of the mapping that should hold it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range lies in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Length in bytes.
    pub len: u32,
}

impl Span {
    /// A span covering `len` bytes from `start` in `file`.
    pub fn new(file: FileId, start: usize, len: usize) -> Self {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(len).unwrap_or(0),
        }
    }

    /// The byte offset just past the end of the span.
    pub fn end(self) -> usize {
        self.start as usize + self.len as usize
    }
}

/// One loaded file: its path as the user gave it, and its text.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: Arc<str>,
    /// Byte offset of the start of every line, for line/column lookups.
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(path: PathBuf, text: Arc<str>) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// The path of the file, as given on the command line or in an `include`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text of the file.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset.min(self.text.len()))
            .map_or(0, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The text a span covers (empty if the span does not fit the file).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end())
            .unwrap_or_default()
    }

    /// The byte offset of a 1-based line and column (in characters), as the
    /// YAML parser reports positions. Out-of-range positions clamp to the end.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = self.text.get(line_start..).unwrap_or_default();
        rest.char_indices()
            .nth(column.saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| line_start + i)
    }
}

/// All files loaded for one ruleset.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path.into(), text.into()));
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Only if the id comes from another map, which is a bug in docket.
    #[allow(clippy::indexing_slicing)] // as documented: ids come from this map
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// The id of an already loaded file, by path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    /// Every file, in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The 1-based line and column where a span starts.
    pub fn line_column(&self, span: Span) -> (usize, usize) {
        self.file(span.file).line_column(span.start as usize)
    }

    /// `path:line:column` of a span, the form editors and CI annotations use.
    pub fn location(&self, span: Span) -> String {
        let (line, column) = self.line_column(span);
        format!("{}:{line}:{column}", self.file(span.file).path().display())
    }
}

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "a: 1\nbé: x\n");
        let file = map.file(id);
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(5), (2, 1));
        // 'x' is after the two-byte 'é'.
        let x = file.text().find('x').unwrap();
        assert_eq!(file.line_column(x), (2, 5));
        assert_eq!(file.offset_of(2, 5), x);
    }

    #[test]
    fn location_renders_path_line_column() {
        let mut map = SourceMap::new();
        let id = map.add("rules/usda/ruleset.yaml", "id: x\ntitle: y\n");
        assert_eq!(
            map.location(Span::new(id, 6, 5)),
            "rules/usda/ruleset.yaml:2:1"
        );
    }
}

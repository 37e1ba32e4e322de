//! Loading a ruleset: reading files, following includes, running the passes.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::lower::definitions::Definitions;
use super::lower::rules::Rules;
use super::model::Ruleset;
use super::reader::{Cx, MapReader};
use super::shape;
use super::yaml::{self, MAX_RULE_FILE_BYTES, Node, NodeKind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};

/// The file a ruleset directory is entered by.
pub const ROOT_FILE: &str = "ruleset.yaml";

/// A ruleset that could not be loaded: the errors (and any warnings) and the
/// files they point into.
#[derive(Debug)]
pub struct LoadError {
    /// What went wrong.
    pub diagnostics: Diagnostics,
    /// The files read, for rendering.
    pub sources: SourceMap,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.diagnostics.count(crate::diagnostic::Severity::Error);
        write!(f, "the ruleset has {errors} error(s)")
    }
}

impl std::error::Error for LoadError {}

/// Loads the ruleset at `path` (a directory holding `ruleset.yaml`, or a
/// file), following its includes, and resolves every name in it.
pub fn load(path: &Path) -> Result<Ruleset, LoadError> {
    let root_path = if path.is_dir() {
        path.join(ROOT_FILE)
    } else {
        path.to_path_buf()
    };
    load_root(root_path, None)
}

/// Loads a ruleset whose root file is `bytes` rather than the file at
/// `path`, exactly as [`load`] would load that file: the same size and
/// UTF-8 checks, and its includes read from disk relative to `path`. For
/// rules that do not come from a file (a fuzzer's test case, an editor's
/// unsaved buffer).
pub fn load_bytes(path: &Path, bytes: Vec<u8>) -> Result<Ruleset, LoadError> {
    load_root(path.to_path_buf(), Some(bytes))
}

/// Loads the ruleset rooted at `root_path`, whose content is `given` when
/// it is not to be read from disk.
fn load_root(root_path: PathBuf, given: Option<Vec<u8>>) -> Result<Ruleset, LoadError> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let mut files = Vec::new();
    let mut stack = Vec::new();
    load_file(
        &root_path,
        given,
        None,
        &mut sources,
        &mut diagnostics,
        &mut files,
        &mut stack,
    );
    if files.is_empty() {
        return Err(LoadError {
            diagnostics,
            sources,
        });
    }

    let mut definitions = Definitions::default();
    let mut readers = Vec::new();
    for (index, (file, node)) in files.iter().enumerate() {
        let source = sources.file(*file);
        let mut cx = Cx {
            file: *file,
            source,
            diagnostics: &mut diagnostics,
            regexes: Default::default(),
        };
        if matches!(node.kind, NodeKind::Null) && index > 0 {
            continue; // an empty included file contributes nothing
        }
        let Some(reader) = MapReader::open(&mut cx, node, shape::RULESET, "a ruleset file") else {
            continue;
        };
        definitions.read_file(&mut cx, &reader, index == 0, source.path());
        readers.push((*file, reader));
    }
    let names = definitions.finish(&mut diagnostics);

    let mut rules = Rules::new(&names.symbols);
    for (file, reader) in &readers {
        let mut cx = Cx {
            file: *file,
            source: sources.file(*file),
            diagnostics: &mut diagnostics,
            regexes: Default::default(),
        };
        rules.read_file(&mut cx, reader);
    }
    rules.finish(&mut diagnostics);
    let Rules {
        criteria,
        triggers,
        deadlines,
        tests,
        mappings,
        ..
    } = rules;

    diagnostics.sort();
    let meta = match names.meta {
        Some(meta) if !diagnostics.has_errors() => meta,
        _ => {
            return Err(LoadError {
                diagnostics,
                sources,
            });
        }
    };
    let symbols = names.symbols;
    Ok(Ruleset {
        root: root_path,
        meta,
        calendar: names.calendar,
        allocations: names.allocations,
        exceptions: names.exceptions,
        fields: symbols.fields,
        lists: symbols.lists,
        thresholds: symbols.thresholds,
        levels: symbols.levels,
        criteria,
        triggers,
        events: symbols.events,
        deadlines,
        mappings,
        tests,
        sources,
    })
}

/// Reads and parses one file, then the files it includes, depth first.
/// `stack` holds the canonical paths of the files being included, to catch
/// cycles; a file reached twice by different paths (a diamond) is read once.
fn load_file(
    path: &Path,
    given: Option<Vec<u8>>,
    included_at: Option<Span>,
    sources: &mut SourceMap,
    diagnostics: &mut Diagnostics,
    files: &mut Vec<(FileId, Node)>,
    stack: &mut Vec<PathBuf>,
) {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if let Some(position) = stack.iter().position(|p| *p == canonical) {
        let chain = stack
            .get(position..)
            .unwrap_or_default()
            .iter()
            .chain(std::iter::once(&canonical))
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect::<Vec<_>>()
            .join(" → ");
        if let Some(span) = included_at {
            diagnostics.push(
                Diagnostic::error(Code::IncludeCycle, span, format!("include cycle: {chain}"))
                    .with_label("this include leads back to a file that includes it")
                    .with_help("remove one of the includes; definitions are shared across all files of a ruleset anyway"),
            );
        }
        return;
    }
    if files.iter().any(|(id, _)| {
        let known = sources.file(*id).path();
        known.canonicalize().unwrap_or_else(|_| known.to_path_buf()) == canonical
    }) {
        return;
    }
    let text = match given.map_or_else(|| read_text(path), |bytes| decode_text(path, bytes)) {
        Ok(text) => text,
        Err(message) => {
            let diagnostic = match included_at {
                Some(span) => {
                    Diagnostic::error(Code::Io, span, message).with_label("included here")
                }
                None => Diagnostic::bare(Code::Io, message),
            };
            diagnostics.push(diagnostic);
            return;
        }
    };
    let file = sources.add(path, text);
    let node = match yaml::parse(file, sources.file(file)) {
        Ok(node) => node,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return;
        }
    };
    let includes = include_targets(file, sources, diagnostics, &node);
    files.push((file, node));
    stack.push(canonical);
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    for (target, span) in includes {
        load_file(
            &base.join(target),
            None,
            Some(span),
            sources,
            diagnostics,
            files,
            stack,
        );
    }
    stack.pop();
}

fn include_targets(
    file: FileId,
    sources: &SourceMap,
    diagnostics: &mut Diagnostics,
    node: &Node,
) -> Vec<(String, Span)> {
    let NodeKind::Map(entries) = &node.kind else {
        return Vec::new();
    };
    let Some((_, list)) = entries.iter().find(|(k, _)| k.name == "include") else {
        return Vec::new();
    };
    let mut cx = Cx {
        file,
        source: sources.file(file),
        diagnostics,
        regexes: Default::default(),
    };
    cx.one_or_many(list)
        .iter()
        .filter_map(|item| cx.text(item, "an include path"))
        .map(|t| (t.value, t.span))
        .collect()
}

/// How large a file read whole as text may be, and what the message about
/// a larger one calls such files.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextLimit {
    /// The largest size, in bytes.
    pub bytes: u64,
    /// The kind of file, plural (`rule files`).
    pub files: &'static str,
}

/// The limit of a rule file (see [`MAX_RULE_FILE_BYTES`]).
pub(crate) const RULE_FILE: TextLimit = TextLimit {
    bytes: MAX_RULE_FILE_BYTES,
    files: "rule files",
};

/// Reads a rule file as UTF-8 text, refusing directories, oversized files
/// and invalid UTF-8 with a message that says which.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    read_text_within(path, RULE_FILE)
}

/// [`read_text`], for a file of another kind with its own size limit.
pub(crate) fn read_text_within(path: &Path, limit: TextLimit) -> Result<String, String> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if metadata.is_dir() {
        return Err(format!(
            "{shown} is a directory; expected a ruleset file (or a directory holding `{ROOT_FILE}`)"
        ));
    }
    if metadata.len() > limit.bytes {
        return Err(format!(
            "{shown} is {} bytes; {} are limited to {} bytes",
            metadata.len(),
            limit.files,
            limit.bytes
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit.bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    decode_text_within(path, bytes, limit)
}

/// Checks the size of a rule file's bytes and decodes them as UTF-8,
/// without a leading byte-order mark.
fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, String> {
    decode_text_within(path, bytes, RULE_FILE)
}

/// [`decode_text`] with another size limit.
fn decode_text_within(path: &Path, bytes: Vec<u8>, limit: TextLimit) -> Result<String, String> {
    let shown = path.display();
    if bytes.len() as u64 > limit.bytes {
        return Err(format!(
            "{shown} is more than {} bytes; {} are limited to that",
            limit.bytes, limit.files
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..valid).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        format!("{shown}:{line}: not valid UTF-8 (byte offset {valid}); save the file as UTF-8")
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

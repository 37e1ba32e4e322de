//! A chunk's JSON lines, read raw on the reading thread and parsed on the
//! thread that processes the chunk.
//!
//! Parsing JSON is most of the work of reading a Suricata EVE log or
//! canonical JSON lines; done by the reader, it left the other threads
//! waiting. Lines only need their ends found to be cut apart, so the reader
//! copies each one's bytes and line number here, and the chunk's worker
//! turns them into the very items the one-at-a-time reader gives.

use super::InputError;
use super::Item;
use super::json::{ItemParser, JsonReader, RawLine};

/// The bytes past which a chunk takes no more lines (a chunk always takes
/// one): typical lines are far below, and the few chunks in flight stay
/// small when lines are huge.
const MAX_CHUNK_TEXT: usize = 8 << 20;

/// The raw lines of one chunk; its buffers are reused from chunk to chunk.
#[derive(Debug, Default)]
pub struct JsonLines {
    /// How the lines become items (the input's name, EVE or not).
    parser: Option<ItemParser>,
    /// The lines' text, one after another.
    text: Vec<u8>,
    lines: Vec<Line>,
}

/// One line: where it starts in the input and its text's end in
/// [`JsonLines::text`] (its start is the end of the one before).
#[derive(Clone, Copy, Debug)]
struct Line {
    raw: RawLine,
    end: usize,
}

impl JsonLines {
    /// How many lines the chunk holds.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the chunk holds no line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Empties the chunk, keeping its buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
    }

    /// Reads up to `max` lines from `reader`, which reads JSON lines. An
    /// error ends the reading; the lines read before it stay.
    pub(super) fn fill(&mut self, reader: &mut JsonReader, max: usize) -> Result<(), InputError> {
        self.parser = Some(reader.parser().clone());
        while self.lines.len() < max && self.text.len() < MAX_CHUNK_TEXT {
            let Some(raw) = reader.next_raw_line().transpose()? else {
                break;
            };
            if let RawLine::Text(_) = raw {
                self.text.extend_from_slice(reader.raw_text());
            }
            self.lines.push(Line {
                raw,
                end: self.text.len(),
            });
        }
        Ok(())
    }

    /// The chunk's items, in input order, parsed as they are asked for.
    pub fn items(&self) -> impl Iterator<Item = Item> + '_ {
        let mut start = 0;
        self.lines.iter().filter_map(move |line| {
            let parser = self.parser.as_ref()?;
            let text = self.text.get(start..line.end).unwrap_or_default();
            start = line.end;
            Some(match line.raw {
                RawLine::Text(at) => parser.item(at, text),
                RawLine::TooLong(at) => parser.too_long(at),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufRead;
    use std::sync::Arc;

    use super::*;

    fn reader(text: &str, eve: bool) -> JsonReader {
        let bytes: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        JsonReader::new(bytes, Arc::from("lines.json"), eve)
    }

    /// Many lines of every kind: records, skipped events, broken JSON,
    /// blank lines, CRLF ends, a byte-order mark, a last line without its
    /// end.
    fn awkward_lines() -> String {
        let mut text = String::from("\u{feff}");
        for i in 0..1_500 {
            text.push_str(&match i % 9 {
                0 => format!("{{\"event_type\":\"alert\",\"id\":\"A-{i}\"}}\n"),
                1 => format!("{{\"event_type\":\"dns\",\"n\":{i}}}\r\n"),
                2 => "\n   \n".to_owned(),
                3 => format!("{{\"id\": \"B-{i}\", \"broken\": \n"),
                4 => "[1, 2]\n".to_owned(),
                5 => format!("{{\"event_type\":\"flow\",\"a\":\"\\ud800\",\"i\":{i}}}\n"),
                6 => format!("  {{\"id\":\"C-{i}\",\"event_type\":\"alert\"}}  \n"),
                7 => format!("{{\"no_type\":{i}}}\n"),
                _ => format!("{{\"event_type\":\"alert\",\"x\":\"\\u00e9\",\"i\":{i}}}\n"),
            });
        }
        text.push_str("{\"event_type\":\"alert\",\"truncated\":");
        text
    }

    /// Read a chunk at a time and parsed from the chunks, the lines give
    /// the items the one-at-a-time reader gives, with their lines.
    #[test]
    fn chunked_lines_give_the_readers_items() {
        let text = awkward_lines();
        for eve in [true, false] {
            let expected: Vec<String> = reader(&text, eve)
                .map(|item| format!("{:?}", item.expect("no I/O error")))
                .collect();
            let mut chunked = Vec::new();
            let mut json = reader(&text, eve);
            assert_eq!(json.is_lines().expect("readable"), Some(true));
            let mut lines = JsonLines::default();
            loop {
                lines.clear();
                lines.fill(&mut json, 100).expect("no I/O error");
                if lines.is_empty() {
                    break;
                }
                assert!(lines.len() <= 100);
                chunked.extend(lines.items().map(|item| format!("{item:?}")));
            }
            assert!(expected.len() > 1_000, "{}", expected.len());
            assert_eq!(chunked, expected, "eve: {eve}");
        }
    }
}

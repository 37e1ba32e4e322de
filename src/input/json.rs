//! JSON inputs: canonical JSON lines, and Suricata EVE as lines or as one
//! array.

use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value;

use super::event_type::{EventType, event_type};
use super::{
    InputError, Item, MAX_RECORD_BYTES, Origin, RawFields, RawRecord, Reject, read_line_limited,
};

/// Reads JSON records one at a time, whichever way they are laid out.
pub struct JsonReader {
    reader: Box<dyn BufRead + Send>,
    parser: ItemParser,
    layout: Option<Layout>,
    /// Lines consumed so far.
    line: u64,
    buf: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Lines,
    /// Inside a top-level array; `true` once its closing bracket is read.
    Array(bool),
}

impl JsonReader {
    /// A reader over `reader`; `eve` filters Suricata event types.
    pub fn new(reader: Box<dyn BufRead + Send>, name: Arc<str>, eve: bool) -> Self {
        JsonReader {
            reader,
            parser: ItemParser { name, eve },
            layout: None,
            line: 1,
            buf: Vec::new(),
        }
    }

    fn io(&self, source: std::io::Error) -> InputError {
        InputError::Io {
            path: self.parser.name.to_string(),
            source,
        }
    }

    /// How it turns one value's bytes into an item, for a caller that
    /// parses the lines [`Self::next_raw_line`] gives elsewhere.
    pub(super) fn parser(&self) -> &ItemParser {
        &self.parser
    }

    /// Whether the input is JSON lines (rather than one array), looking at
    /// its first significant byte; `None` when it is empty.
    pub(super) fn is_lines(&mut self) -> Result<Option<bool>, InputError> {
        if self.layout.is_none() {
            let Some(first) = self.peek_significant().map_err(|e| self.io(e))? else {
                return Ok(None);
            };
            if first == b'[' {
                self.reader.consume(1);
                self.layout = Some(Layout::Array(false));
            } else {
                self.layout = Some(Layout::Lines);
            }
        }
        Ok(Some(self.layout == Some(Layout::Lines)))
    }

    /// The next non-blank line of JSON lines, unparsed: its text (trimmed)
    /// is in [`Self::raw_text`]. `None` at the end of the input.
    pub(super) fn next_raw_line(&mut self) -> Option<Result<RawLine, InputError>> {
        loop {
            let start = self.line;
            let read =
                match read_line_limited(self.reader.as_mut(), &mut self.buf, MAX_RECORD_BYTES) {
                    Ok(read) => read?,
                    Err(e) => return Some(Err(self.io(e))),
                };
            self.line += 1;
            if !read {
                return Some(Ok(RawLine::TooLong(start)));
            }
            if !trim_ascii(&self.buf).is_empty() {
                return Some(Ok(RawLine::Text(start)));
            }
        }
    }

    /// The text of the line [`Self::next_raw_line`] last gave.
    pub(super) fn raw_text(&self) -> &[u8] {
        trim_ascii(&self.buf)
    }

    /// Skips whitespace (and a byte-order mark), counting lines; returns
    /// the next byte without consuming it.
    fn peek_significant(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            let available = self.reader.fill_buf()?;
            let Some(&byte) = available.first() else {
                return Ok(None);
            };
            if available.starts_with(b"\xEF\xBB\xBF") {
                self.reader.consume(3);
                continue;
            }
            if byte.is_ascii_whitespace() {
                if byte == b'\n' {
                    self.line += 1;
                }
                self.reader.consume(1);
                continue;
            }
            return Ok(Some(byte));
        }
    }

    fn next_line(&mut self) -> Option<Result<Item, InputError>> {
        Some(self.next_raw_line()?.map(|raw| match raw {
            RawLine::Text(line) => self.parser.item(line, trim_ascii(&self.buf)),
            RawLine::TooLong(line) => self.parser.too_long(line),
        }))
    }

    fn next_in_array(&mut self) -> Option<Result<Item, InputError>> {
        loop {
            match self.peek_significant() {
                Ok(Some(b',')) => self.reader.consume(1),
                Ok(Some(b']')) => {
                    self.reader.consume(1);
                    self.layout = Some(Layout::Array(true));
                    return match self.peek_significant() {
                        Ok(None) => None,
                        Ok(Some(_)) => Some(Ok(self.parser.reject(
                            self.line,
                            "text after the closing `]` of the array".into(),
                            String::new(),
                        ))),
                        Err(e) => Some(Err(self.io(e))),
                    };
                }
                Ok(Some(_)) => break,
                Ok(None) => {
                    self.layout = Some(Layout::Array(true));
                    return Some(Ok(self.parser.reject(
                        self.line,
                        "the JSON array is not closed (truncated file?)".into(),
                        String::new(),
                    )));
                }
                Err(e) => return Some(Err(self.io(e))),
            }
        }
        let start = self.line;
        match self.capture_value() {
            Ok(Some(bytes)) => Some(Ok(self.parser.item(start, &bytes))),
            Ok(None) => {
                self.layout = Some(Layout::Array(true));
                Some(Ok(self.parser.reject(
                    start,
                    "truncated JSON value at the end of the file".into(),
                    String::from_utf8_lossy(&self.buf).into_owned(),
                )))
            }
            Err(e) => Some(Err(self.io(e))),
        }
    }

    /// Copies one JSON value of the array into `buf`, tracking nesting and
    /// strings so that commas and brackets inside it are not mistaken for
    /// separators. `None` if the input ends first.
    fn capture_value(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        self.buf.clear();
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(None);
            }
            let mut used = 0;
            let mut complete = false;
            for &byte in available {
                if !in_string
                    && depth == 0
                    && (byte == b',' || byte == b']')
                    && !self.buf.is_empty()
                {
                    complete = true;
                    break;
                }
                used += 1;
                if byte == b'\n' {
                    self.line += 1;
                }
                if in_string {
                    match (escaped, byte) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                } else {
                    match byte {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                self.buf.push(byte);
                if self.buf.len() > MAX_RECORD_BYTES {
                    return Ok(None);
                }
            }
            self.reader.consume(used);
            if complete {
                return Ok(Some(std::mem::take(&mut self.buf)));
            }
        }
    }
}

/// A line of JSON lines as read, before it is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RawLine {
    /// A line starting on this line number.
    Text(u64),
    /// A line longer than a record may be, starting on this line number.
    TooLong(u64),
}

/// Turns one JSON value's bytes into an item: a record, a skipped EVE
/// event, or a reject with its reason. Shared by the reader and by workers
/// that parse the lines of a chunk.
#[derive(Clone, Debug)]
pub(super) struct ItemParser {
    name: Arc<str>,
    /// Suricata EVE: only `event_type: alert` is a record; the rest is skipped.
    eve: bool,
}

impl ItemParser {
    fn origin(&self, line: u64) -> Origin {
        Origin {
            input: Arc::clone(&self.name),
            line,
        }
    }

    fn reject(&self, line: u64, reason: String, raw: String) -> Item {
        Item::Rejected(Reject {
            origin: self.origin(line),
            reason,
            raw,
        })
    }

    /// The reject of a line longer than a record may be.
    pub(super) fn too_long(&self, line: u64) -> Item {
        self.reject(
            line,
            format!("line longer than {MAX_RECORD_BYTES} bytes"),
            String::new(),
        )
    }

    /// The item of the value `bytes`, which starts on `line`.
    pub(super) fn item(&self, line: u64, bytes: &[u8]) -> Item {
        if self.eve {
            if let Some(skipped) = self.skipped_event(line, bytes) {
                return skipped;
            }
        }
        let raw = || String::from_utf8_lossy(bytes).into_owned();
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => return self.reject(line, format!("invalid JSON: {e}"), raw()),
        };
        if !value.is_object() {
            return self.reject(line, "not a JSON object".into(), raw());
        }
        if self.eve {
            if let Some(skipped) = self.skip(line, value.get("event_type").and_then(Value::as_str))
            {
                return skipped;
            }
        }
        Item::Record(RawRecord {
            origin: self.origin(line),
            fields: RawFields::Json(value),
        })
    }

    /// The skip of an EVE event that is not an alert, told without building
    /// it ([`event_type`]); `None` for an alert, or for a line that is not a
    /// well-formed JSON object, which [`Self::item`] then reads in full (for
    /// its record, or its exact error).
    fn skipped_event(&self, line: u64, bytes: &[u8]) -> Option<Item> {
        match event_type(std::str::from_utf8(bytes).ok()?)? {
            EventType::Named(name) => self.skip(line, Some(&name)),
            EventType::Absent => self.skip(line, None),
        }
    }

    /// The skip of an EVE event whose `event_type` is `name` (`None`: no
    /// string there), or `None` for an alert, the one type that is a record.
    fn skip(&self, line: u64, name: Option<&str>) -> Option<Item> {
        let reason = match name {
            Some("alert") => return None,
            Some(other) => format!("event_type {other}"),
            None => "no event_type (not an EVE event)".to_owned(),
        };
        Some(Item::Skipped {
            origin: self.origin(line),
            reason,
        })
    }
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    let trimmed = bytes.get(start..end).unwrap_or_default();
    trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed)
}

impl Iterator for JsonReader {
    type Item = Result<Item, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.is_lines() {
            Err(e) => Some(Err(e)),
            Ok(None) => None,
            Ok(Some(true)) => self.next_line(),
            Ok(Some(false)) if self.layout == Some(Layout::Array(true)) => None,
            Ok(Some(false)) => self.next_in_array(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, eve: bool) -> Vec<Item> {
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        JsonReader::new(reader, Arc::from("t.json"), eve)
            .map(|i| i.unwrap())
            .collect()
    }

    fn lines(items: &[Item]) -> Vec<(char, u64)> {
        items
            .iter()
            .map(|i| match i {
                Item::Record(r) => ('R', r.origin.line),
                Item::Skipped { origin, .. } => ('S', origin.line),
                Item::Rejected(r) => ('X', r.origin.line),
            })
            .collect()
    }

    #[test]
    fn eve_array_elements_keep_their_lines() {
        let text = "[\n  {\"event_type\": \"alert\", \"a\": \"x, ]\"},\n  {\"event_type\": \"dns\"},\n\n  {\"event_type\":\n \"alert\"}\n]\n";
        assert_eq!(lines(&read(text, true)), [('R', 2), ('S', 3), ('R', 5)]);
    }

    #[test]
    fn truncated_array_is_rejected_not_lost() {
        let items = read("[{\"event_type\": \"alert\"}, {\"event_type\": \"al", true);
        assert_eq!(lines(&items), [('R', 1), ('X', 1)]);
    }

    #[test]
    fn lines_with_bad_json_and_blank_lines() {
        let items = read("{\"id\": 1}\n\nnot json\n[1]\n{\"id\": 2", false);
        assert_eq!(lines(&items), [('R', 1), ('X', 3), ('X', 4), ('X', 5)]);
    }

    /// Skips are told without building the event, with the reasons and
    /// rejects the full read gives: a line broken anywhere is still
    /// rejected, whatever its type.
    #[test]
    fn eve_skips_and_rejects_keep_their_reasons() {
        let text = concat!(
            "{\"event_type\":\"dns\",\"dns\":{\"rrname\":\"x\"}}\n",
            "{\"event_type\":7}\n",
            "{\"event_type\":\"dns\",\"a\":\"\\ud800\"}\n",
            "{\"event_type\":\"flow\"} trailing\n",
            "{\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\"}\n",
        );
        let items = read(text, true);
        let described: Vec<String> = items
            .iter()
            .map(|item| match item {
                Item::Record(r) => format!("record {}", r.origin.line),
                Item::Skipped { origin, reason } => format!("skip {}: {reason}", origin.line),
                Item::Rejected(r) => format!("reject {}: {}", r.origin.line, r.reason),
            })
            .collect();
        assert_eq!(described[0], "skip 1: event_type dns");
        assert_eq!(described[1], "skip 2: no event_type (not an EVE event)");
        assert!(
            described[2].starts_with("reject 3: invalid JSON: "),
            "{}",
            described[2]
        );
        assert!(
            described[3].starts_with("reject 4: invalid JSON: trailing"),
            "{}",
            described[3]
        );
        assert_eq!(described[4], "record 5");
    }

    #[test]
    fn crlf_and_bom() {
        let items = read("\u{feff}{\"id\": 1}\r\n{\"id\": 2}\r\n", false);
        assert_eq!(lines(&items), [('R', 1), ('R', 2)]);
    }
}

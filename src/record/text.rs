//! The text of a [`Value::Str`](super::Value::Str).
//!
//! Text values come from two places with opposite needs. Values the
//! ruleset or the allocation table hold (an agency, a mapping constant) are
//! shared into many records and must clone cheaply: they are an
//! `Arc<str>`. Values read from input cells are new for every row: copying
//! each into a fresh `Arc<str>` was an allocation and a free per text cell
//! per row, so a [`Record`](super::Record) copies them into a buffer it
//! keeps for that field and hands back when cleared, and a text value may
//! also be such a buffer. Either way it reads as a `str`.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Text of a value: shared, or a record's reusable buffer.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Shared(Arc<str>),
    Buffer(String),
}

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Shared(s) => s,
            Repr::Buffer(s) => s,
        }
    }

    /// Text held in `buffer`, whose allocation
    /// [`into_kept`](Self::into_kept) gives back for reuse.
    pub(super) fn from_buffer(buffer: String) -> Self {
        Text(Repr::Buffer(buffer))
    }

    /// What the text holds, for a record to keep when it clears the field:
    /// the buffer of text made by [`from_buffer`](Self::from_buffer), to
    /// reuse for the next text of the field, or the shared text, to hand
    /// out again without touching its count (see
    /// [`Record::set_shared_text`](super::Record::set_shared_text)).
    pub(super) fn into_kept(self) -> Result<String, Arc<str>> {
        match self.0 {
            Repr::Buffer(s) => Ok(s),
            Repr::Shared(s) => Err(s),
        }
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Arc<str>> for Text {
    fn from(s: Arc<str>) -> Self {
        Text(Repr::Shared(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Repr::Shared(s.into()))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Repr::Shared(s.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_and_buffered_text_read_and_compare_alike() {
        let shared = Text::from("EV-1");
        let buffered = Text::from_buffer(String::from("EV-1"));
        assert_eq!(shared, buffered);
        assert_eq!(&*buffered, "EV-1");
        assert_eq!(format!("{shared:?} {buffered}"), "\"EV-1\" EV-1");
        assert_eq!(shared.into_kept().err().as_deref(), Some("EV-1"));
        assert_eq!(buffered.into_kept().ok().as_deref(), Some("EV-1"));
    }
}

//! The rows of a [`Chunk`], one at a time with their origins, and mapped to
//! records through the columns resolved once per input: the loop every
//! command that reads in chunks (`classify`, `diff`) runs, whatever it then
//! does with a record, so that the fast canonical CSV path and the general
//! path for other formats are chosen in one place.

use std::sync::Arc;

use super::chunks::{Chunk, ChunkReader};
use super::mapping::{Column, Mapper, RowReject};
use super::row_block::RowRef;
use super::{Item, Origin, RawRecord, Reject};
use crate::record::Record;
use crate::ruleset::Ruleset;

/// One row of a chunk, as read.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ChunkRow<'c> {
    /// A record to map.
    Record(RowSource<'c>),
    /// A record the reader skipped (not an alert).
    Skipped,
    /// A record the reader could not read.
    Rejected(&'c Reject),
}

/// Where a record's fields are: a canonical CSV row's bytes, or a raw
/// record of another format.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RowSource<'c> {
    /// A canonical CSV row and the header it follows.
    Csv {
        /// The input's header.
        header: &'c [String],
        /// The row.
        row: RowRef<'c>,
    },
    /// A record of another format (or read by the general reader).
    Raw(&'c RawRecord),
}

impl Chunk {
    /// Calls `f` with each row of the chunk in input order, and its origin.
    /// The rows of a canonical CSV chunk share one origin whose line is set
    /// for each: cloning the input's name for each row cost two atomic
    /// operations a row.
    pub(crate) fn for_each_row(&self, name: &Arc<str>, mut f: impl FnMut(&Origin, ChunkRow<'_>)) {
        if let Some(header) = &self.header {
            let mut origin = Origin {
                input: Arc::clone(name),
                line: 0,
            };
            for row in self.records() {
                origin.line = row.line();
                f(&origin, ChunkRow::Record(RowSource::Csv { header, row }));
            }
        }
        for item in &self.items {
            item_row(item, &mut f);
        }
        for item in self.lines.items() {
            item_row(&item, &mut f);
        }
    }
}

/// Calls `f` with `item` as a row, and its origin.
fn item_row(item: &Item, f: &mut impl FnMut(&Origin, ChunkRow<'_>)) {
    let (origin, row) = match item {
        Item::Record(raw) => (&raw.origin, ChunkRow::Record(RowSource::Raw(raw))),
        Item::Skipped { origin, .. } => (origin, ChunkRow::Skipped),
        Item::Rejected(reject) => (&reject.origin, ChunkRow::Rejected(reject)),
    };
    f(origin, row);
}

/// Maps the rows of one input for one ruleset: canonical CSV rows through
/// the columns of its header, resolved once ([`Mapper::map_row`]), other
/// records by name ([`Mapper::map`]). Both give the same records and
/// reasons.
pub(crate) struct ChunkMapper<'r> {
    mapper: Mapper<'r>,
    columns: Vec<Option<Column<'r>>>,
}

impl<'r> ChunkMapper<'r> {
    /// The mapper of `ruleset` for `reader`'s input; `Err` when the
    /// ruleset cannot read its format.
    pub(crate) fn new(ruleset: &'r Ruleset, reader: &ChunkReader) -> Result<Self, String> {
        let mapper = Mapper::new(ruleset, reader.format())?;
        let columns = reader
            .header()
            .map(|header| mapper.columns(header))
            .unwrap_or_default();
        Ok(ChunkMapper { mapper, columns })
    }

    /// The mapper by name.
    pub(crate) fn mapper(&self) -> &Mapper<'r> {
        &self.mapper
    }

    /// Fills `record` from `source`, or says why it is rejected. A record
    /// of another format that does not map is text: only a CSV row can be
    /// unreadable as a whole.
    ///
    /// Always inlined: the loop over a chunk's CSV rows is the hot path of
    /// a run, and [`Mapper::map_row`] is cheaper inlined into it (as it was
    /// before this wrapper) than called.
    #[inline(always)]
    pub(crate) fn map(&self, source: RowSource<'_>, record: &mut Record) -> Result<(), RowReject> {
        match source {
            RowSource::Csv { header, row } => {
                self.mapper.map_row(&self.columns, header, row, record)
            }
            RowSource::Raw(raw) => self.map_raw(raw, record),
        }
    }

    /// [`map`](Self::map) for a record of another format, out of the hot
    /// loop.
    #[inline(never)]
    fn map_raw(&self, raw: &RawRecord, record: &mut Record) -> Result<(), RowReject> {
        self.mapper.map(raw, record).map_err(|reason| RowReject {
            reason,
            is_text: true,
        })
    }
}

impl RowSource<'_> {
    /// The record as text for the rejects file: built only for a record
    /// that is rejected, and only by a caller that writes rejects.
    pub(crate) fn reject_text(&self) -> String {
        match self {
            RowSource::Csv { header, row } => super::table::reject_text(header, *row),
            RowSource::Raw(raw) => raw.raw_text(),
        }
    }
}

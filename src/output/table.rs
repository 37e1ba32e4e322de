//! Rows of text cells under a header, written as CSV or JSON lines.

use std::io::{self, Write};

use super::cells::{CellEscaping, CellWriter};

/// Writes `rows` under `header` as CSV, cells escaped by `escaping`.
pub fn write_csv<R: AsRef<[String]>>(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[R],
    escaping: CellEscaping,
) -> io::Result<()> {
    let mut writer = CellWriter::new(out, escaping);
    writer.write_header(header)?;
    for row in rows {
        writer.write_row(row.as_ref())?;
    }
    writer.into_inner()?.flush()
}

/// Writes each row as one JSON object keyed by `header`.
pub fn write_jsonl<R: AsRef<[String]>>(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[R],
) -> io::Result<()> {
    for row in rows {
        let object: serde_json::Map<String, serde_json::Value> = header
            .iter()
            .zip(row.as_ref())
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
            .collect();
        writeln!(out, "{}", serde_json::Value::Object(object))?;
    }
    Ok(())
}

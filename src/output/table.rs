//! Rows of text cells under a header, written as CSV or JSON lines.

use std::io::{self, Write};

/// Writes `rows` under `header` as CSV.
pub fn write_csv<R: AsRef<[String]>>(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[R],
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.as_ref())?;
    }
    writer.flush()
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

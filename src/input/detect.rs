//! Telling input formats apart by name and first bytes.

use std::path::Path;

use super::InputFormat;

/// Guesses the format of an input from its extension and its first bytes.
///
/// Content decides when it can: JSON (lines, or one array) whose first
/// object has `event_type` or `alert` is Suricata EVE, any other JSON is
/// canonical records; a CSV whose first row names ruleset fields is
/// canonical, any other CSV is Snort `alert_csv` (which has no header).
pub fn detect(path: &Path, head: &[u8], field_names: &[String]) -> Option<InputFormat> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first_line_end = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
    let first_line = String::from_utf8_lossy(head.get(..first_line_end).unwrap_or_default());
    let first_line = first_line.trim();
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => {
            let start = head.iter().position(|b| *b == b'[').map_or(0, |i| i + 1);
            let rest = head.get(start..).unwrap_or_default();
            let first = serde_json::Deserializer::from_slice(rest)
                .into_iter::<serde_json::Value>()
                .next();
            let eve = match first {
                Some(Ok(value)) => is_eve(&value),
                // The first element is cut off by the end of the buffer, or
                // the array is empty or broken: EVE is what arrays usually are.
                _ => {
                    let text = String::from_utf8_lossy(rest);
                    text.contains("\"event_type\"") || !text.trim_start().starts_with('{')
                }
            };
            Some(if eve {
                InputFormat::Suricata
            } else {
                InputFormat::Jsonl
            })
        }
        Some(b'{') => {
            let eve = match serde_json::from_str::<serde_json::Value>(first_line) {
                Ok(value) => is_eve(&value),
                Err(_) => first_line.contains("\"event_type\""),
            };
            Some(if eve {
                InputFormat::Suricata
            } else {
                InputFormat::Jsonl
            })
        }
        Some(_) => {
            let names_fields = first_line
                .split(',')
                .map(|cell| cell.trim().trim_matches('"').trim())
                .any(|cell| field_names.iter().any(|f| f == cell));
            Some(if names_fields {
                InputFormat::Csv
            } else {
                InputFormat::Snort
            })
        }
        None => {
            let extension = path.extension()?.to_str()?.to_ascii_lowercase();
            match extension.as_str() {
                "csv" => Some(InputFormat::Csv),
                "json" | "jsonl" | "ndjson" | "eve" => Some(InputFormat::Jsonl),
                _ => None,
            }
        }
    }
}

/// Whether a JSON object looks like a Suricata EVE event.
fn is_eve(value: &serde_json::Value) -> bool {
    value.get("event_type").is_some() || value.get("alert").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<String> {
        ["id", "occurred_at", "category"].map(String::from).to_vec()
    }

    #[test]
    fn content_decides() {
        let detect = |name: &str, head: &str| detect(Path::new(name), head.as_bytes(), &fields());
        assert_eq!(
            detect("a.json", "[\n {\"event_type\": \"alert\"}"),
            Some(InputFormat::Suricata)
        );
        assert_eq!(
            detect(
                "records.json",
                "[\n {\"id\": \"A\", \"category\": \"p2p\"},\n"
            ),
            Some(InputFormat::Jsonl)
        );
        assert_eq!(
            detect("eve.json", "[{\"timestamp\": \"x\", \"event_type\": \"al"),
            Some(InputFormat::Suricata)
        );
        assert_eq!(
            detect("eve.json", "{\"timestamp\":\"x\",\"event_type\":\"dns\"}\n"),
            Some(InputFormat::Suricata)
        );
        assert_eq!(
            detect("x.jsonl", "{\"id\":\"1\",\"category\":\"p2p\"}\n"),
            Some(InputFormat::Jsonl)
        );
        assert_eq!(
            detect("x.csv", "id,occurred_at,category\n1,2026-01-01,p2p\n"),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            detect("\u{feff}x.csv", "\u{feff}id,category\n"),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            detect(
                "alerts.csv",
                "07/11/17-02:01:44.957046 ,TCP,\"HoneyPot\",1.2.3.4,1,5.6.7.8,23\n"
            ),
            Some(InputFormat::Snort)
        );
        assert_eq!(detect("empty.csv", ""), Some(InputFormat::Csv));
        assert_eq!(detect("empty.bin", ""), None);
    }
}

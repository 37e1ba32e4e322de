//! Typed field values and how text becomes one.

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::Text;
use crate::calendar::{LocalTimeError, resolve_local};
use crate::ruleset::model::FieldType;

/// The value of one field of a record.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text, as given: shared when taken from elsewhere (the agency of the
    /// allocation table), so it is not copied per record; in a buffer the
    /// record reuses when read from an input cell.
    Str(Text),
    /// An enumeration code, by index into the field's codes.
    Enum(u32),
    /// A boolean.
    Bool(bool),
    /// An integer or an amount of money.
    Number(f64),
    /// An address.
    Ip(IpAddr),
    /// An instant, with the offset it was given in.
    Time(DateTime<FixedOffset>),
}

/// Why a text could not be read as a field's type.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// Not one of the enumeration's codes.
    #[error("`{value}` is not a known code{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownCode {
        /// The text.
        value: String,
        /// The closest code, if any is close.
        suggestion: Option<String>,
    },
    /// Not `true`/`false` or a common spelling of them.
    #[error("`{0}` is not a boolean (use true/false, yes/no, 1/0)")]
    Bool(String),
    /// Not a number.
    #[error("`{0}` is not a number")]
    Number(String),
    /// A number outside the field's range.
    #[error("{value} is outside the allowed range {min}..={max}")]
    OutOfRange {
        /// The value.
        value: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Not a whole number.
    #[error("`{0}` is not a whole number")]
    Integer(String),
    /// Not an IP address.
    #[error("`{0}` is not an IP address")]
    Ip(String),
    /// Not a timestamp.
    #[error(
        "`{0}` is not a timestamp (use RFC 3339, e.g. 2026-11-02T14:30:00-05:00, or `YYYY-MM-DD HH:MM[:SS]` in the ruleset's time zone)"
    )]
    Timestamp(String),
    /// A naive local time that does not exist (daylight-saving gap) or
    /// happened twice (fall-back) in the ruleset's zone.
    #[error("{0}; give the time with an offset")]
    LocalTime(#[from] LocalTimeError),
}

/// `text` without leading and trailing whitespace, exactly as
/// [`str::trim`] gives it, but faster for ordinary cells: text that starts
/// and ends with visible ASCII (never whitespace) is returned at once, and
/// a byte loop strips ASCII whitespace; text that starts or ends with
/// another character after that goes through `str::trim` for the Unicode
/// spaces.
#[inline]
pub fn trim(text: &str) -> &str {
    match trim_ascii(text.as_bytes()) {
        Some(range) => text.get(range).unwrap_or_default(),
        None => text.trim(),
    }
}

/// Where `bytes` lie once ASCII whitespace is stripped from both ends, if
/// that is all [`str::trim`] would strip: when what is left is empty or
/// starts and ends with ASCII. `None` when a non-ASCII byte is at an end
/// (a Unicode space, perhaps): only text can be trimmed then. Shared by
/// [`trim`] and by readers of cells that are still bytes, which trim
/// before they know (or need to know) that a cell is UTF-8.
#[inline]
pub fn trim_ascii(bytes: &[u8]) -> Option<std::ops::Range<usize>> {
    if needs_no_trim(bytes) {
        return Some(0..bytes.len());
    }
    trim_edges(bytes)
}

/// [`trim_ascii`] as the stripped bytes themselves rather than where they
/// lie: for the readers of cells, which then use them at once, and so
/// skip taking a range of a cell they already have whole in the common
/// case of nothing to strip.
#[inline]
pub fn trim_ascii_bytes(bytes: &[u8]) -> Option<&[u8]> {
    if needs_no_trim(bytes) {
        return Some(bytes);
    }
    trim_edges(bytes).map(|range| bytes.get(range).unwrap_or_default())
}

/// Whether `bytes` are empty or start and end with visible ASCII (never
/// whitespace): what [`trim_ascii`] returns whole at once.
#[inline(always)]
fn needs_no_trim(bytes: &[u8]) -> bool {
    let visible = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    bytes.is_empty() || (visible(bytes.first()) && visible(bytes.last()))
}

/// [`trim_ascii`] for bytes with something other than visible ASCII at an
/// end.
#[inline(never)]
fn trim_edges(bytes: &[u8]) -> Option<std::ops::Range<usize>> {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    match (
        bytes.get(start),
        end.checked_sub(1).and_then(|i| bytes.get(i)),
    ) {
        (Some(first), Some(last)) if first.is_ascii() && last.is_ascii() => Some(start..end),
        (None, _) => Some(start..start),
        _ => None,
    }
}

/// Reads `text` (already known non-empty) as a value of `ty`.
///
/// Naive timestamps are read in `tz`; a naive time that does not exist or is
/// ambiguous there is an error, never a guess.
pub fn parse_value(
    ty: &FieldType,
    text: &str,
    tz: Tz,
    range: (Option<f64>, Option<f64>),
) -> Result<Value, ValueError> {
    let text = trim(text);
    match ty {
        FieldType::String => Ok(Value::Str(text.into())),
        FieldType::Enum(spec) => {
            spec.lookup(text)
                .map(Value::Enum)
                .ok_or_else(|| ValueError::UnknownCode {
                    value: text.to_owned(),
                    suggestion: crate::diagnostic::suggest::did_you_mean(
                        text,
                        spec.values.iter().map(|v| v.code.as_str()),
                    )
                    .map(str::to_owned),
                })
        }
        FieldType::Bool => parse_bool(text)
            .map(Value::Bool)
            .ok_or_else(|| ValueError::Bool(text.to_owned())),
        FieldType::Integer => {
            let n: i64 = text
                .parse()
                .map_err(|_| ValueError::Integer(text.to_owned()))?;
            check_range(n as f64, range)
        }
        FieldType::Money => {
            let n = parse_money(text).ok_or_else(|| ValueError::Number(text.to_owned()))?;
            check_range(n, range)
        }
        FieldType::Ip => parse_ip(text)
            .map(Value::Ip)
            .ok_or_else(|| ValueError::Ip(text.to_owned())),
        FieldType::Timestamp => parse_timestamp(text, tz).map(Value::Time),
    }
}

fn check_range(n: f64, (min, max): (Option<f64>, Option<f64>)) -> Result<Value, ValueError> {
    let lo = min.unwrap_or(f64::NEG_INFINITY);
    let hi = max.unwrap_or(f64::INFINITY);
    if n < lo || n > hi {
        Err(ValueError::OutOfRange {
            value: n,
            min: lo,
            max: hi,
        })
    } else {
        Ok(Value::Number(n))
    }
}

/// `true`/`false`, `yes`/`no`, `1`/`0`, `y`/`n`, in any case: the spellings
/// complaint desks and spreadsheets produce.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Some(true),
        "false" | "no" | "n" | "0" | "f" => Some(false),
        _ => None,
    }
}

/// A dollar amount: `150000`, `150,000.00`, `$150000`. Thousands separators
/// are accepted only in groups of three, so `1,50` is not read as 150.
pub fn parse_money(text: &str) -> Option<f64> {
    let text = text.trim().trim_start_matches('$').trim();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let whole = if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.clone().any(|g| g.len() != 3) {
            return None;
        }
        whole.replace(',', "")
    } else {
        whole.to_owned()
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = fraction {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let normalized = match fraction {
        Some(f) => format!("{whole}.{f}"),
        None => whole,
    };
    normalized.parse().ok()
}

/// An IPv4 or IPv6 address. IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes
/// the IPv4 address, so it matches IPv4 conditions and allocations. A port
/// after the address (`192.0.2.1:80`, `[2001:db8::1]:443`), as Snort writes
/// `src_ap`, is dropped.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = trim(text);
    if let Some(v4) = super::ipv4::parse_dotted_quad(text) {
        return Some(IpAddr::V4(v4));
    }
    let ip: IpAddr = match text.parse() {
        Ok(ip) => ip,
        Err(_) => {
            if let Some(rest) = text.strip_prefix('[') {
                rest.split_once(']')?.0.parse().ok()?
            } else {
                let (addr, port) = text.rsplit_once(':')?;
                if addr.contains(':') || port.parse::<u16>().is_err() {
                    return None;
                }
                addr.parse().ok()?
            }
        }
    };
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    })
}

/// An RFC 3339 timestamp (`Z` or an offset, with or without a colon; a
/// space for the `T` is fine); Unix epoch seconds (Snort's `seconds`); or a
/// naive local time read in `tz`: `YYYY-MM-DD HH:MM[:SS[.f]]`, Snort's
/// `MM/DD/YY-HH:MM:SS.f`, or a bare date (midnight).
pub fn parse_timestamp(text: &str, tz: Tz) -> Result<DateTime<FixedOffset>, ValueError> {
    let text = trim(text);
    if let Some(fixed) = super::timestamp::read_fixed(text, tz) {
        return Ok(fixed?);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)) {
        return Ok(t);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Ok(t);
        }
    }
    if let Some(t) = parse_epoch(text) {
        return Ok(t);
    }
    let naive = [
        "%m/%d/%y-%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
    .ok_or_else(|| ValueError::Timestamp(text.to_owned()))?;
    Ok(resolve_local(tz, naive)?.fixed_offset())
}

/// Epoch seconds, possibly with a fraction. Only 9 to 11 digits before the
/// point (1973 to 5138) count, so that a bare year or a small number is not
/// read as a time.
fn parse_epoch(text: &str) -> Option<DateTime<FixedOffset>> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if !(9..=11).contains(&whole.len())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let nanos = format!("{fraction:0<9}").get(..9)?.parse::<u32>().ok()?;
    DateTime::from_timestamp(seconds, nanos).map(|t| t.fixed_offset())
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Enum(i) => write!(f, "#{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::Ip(ip) => write!(f, "{ip}"),
            Value::Time(t) => write!(f, "{}", t.to_rfc3339()),
        }
    }
}

/// A number as people write it: no trailing `.0`, cents when there are any.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn trim_is_str_trim_on_mixed_text(
            text in "[ \t\n\r\x0B\x0C\x1C\x1F\x7F\u{85}\u{A0}\u{2003}\u{3000}a-c~é!]{0,8}"
        ) {
            prop_assert_eq!(trim(&text), text.trim());
        }

        /// The bytes [`trim_ascii_bytes`] gives are those of the range
        /// [`trim_ascii`] gives, and it refuses the same bytes.
        #[test]
        fn trimmed_bytes_are_the_trimmed_range(
            bytes in proptest::collection::vec(
                proptest::sample::select(b" \t\n\r\x0B\x0C\x1F\x7F!a~\xc2\xa0\xe3\x80".to_vec()),
                0..8,
            )
        ) {
            let by_range = trim_ascii(&bytes).map(|range| bytes.get(range).unwrap_or_default());
            prop_assert_eq!(trim_ascii_bytes(&bytes), by_range);
        }

        #[test]
        fn dotted_quads_are_read_as_std_reads_them(text in "[0-9]{1,4}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,4}") {
            let std: Option<IpAddr> = text.parse().ok();
            prop_assert_eq!(parse_ip(&text), std);
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a ",
            "\t\x0Ba b\r\n",
            "\u{a0}x\u{a0}",
            " \u{2003}",
            "é ",
            " é",
            "\u{85}",
            "x",
            "~\u{1f}",
            "\u{1c}a\u{7f}",
            "a\x0Bb",
            "\u{2028}",
            "x\u{3000}",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn money_spellings() {
        assert_eq!(parse_money("150000"), Some(150000.0));
        assert_eq!(parse_money("$150,000.00"), Some(150000.0));
        assert_eq!(parse_money("99,999.99"), Some(99999.99));
        assert_eq!(parse_money("1,50"), None);
        assert_eq!(parse_money("12a"), None);
        assert_eq!(parse_money(""), None);
        assert_eq!(parse_money("-5"), None);
    }

    #[test]
    fn ipv4_mapped_ipv6_is_ipv4() {
        assert_eq!(parse_ip("::ffff:192.0.2.1"), "192.0.2.1".parse().ok());
        assert_eq!(parse_ip("[2600:1200::1]"), "2600:1200::1".parse().ok());
        assert_eq!(parse_ip("300.1.1.1"), None);
    }

    #[test]
    fn ids_address_and_time_spellings() {
        assert_eq!(parse_ip("192.0.2.1:80"), "192.0.2.1".parse().ok());
        assert_eq!(parse_ip("[2001:db8::1]:443"), "2001:db8::1".parse().ok());
        assert_eq!(parse_ip("192.0.2.1:99999"), None);
        let tz: Tz = "America/New_York".parse().unwrap();
        let t = parse_timestamp("1499169318", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2017-07-04T11:55:18+00:00");
        let t = parse_timestamp("2018-03-24T14:37:19.037299-0600", tz).unwrap();
        assert_eq!(t.timestamp(), 1521923839);
        let t = parse_timestamp("07/11/17-02:01:44.957046", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2017-07-11T02:01:44.957046-04:00");
        assert!(parse_timestamp("2026", tz).is_err());
    }

    #[test]
    fn naive_timestamps_in_the_ruleset_zone() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let t = parse_timestamp("2026-11-25 10:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-25T10:00:00-05:00");
        let t = parse_timestamp("2026-07-01T10:00:00Z", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-07-01T10:00:00+00:00");
        assert!(matches!(
            parse_timestamp("2026-03-08 02:30", tz),
            Err(ValueError::LocalTime(LocalTimeError::Nonexistent { .. }))
        ));
        assert!(matches!(
            parse_timestamp("2026-11-01 01:30", tz),
            Err(ValueError::LocalTime(LocalTimeError::Ambiguous { .. }))
        ));
        assert!(parse_timestamp("yesterday", tz).is_err());
    }
}

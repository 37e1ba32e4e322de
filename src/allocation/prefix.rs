//! Reading a `cidr` cell into a prefix, with a precise complaint when it is
//! not one. Host bits and IPv4-mapped prefixes are judged later by the
//! builder, because programmatic inserts must obey the same rules.

use std::net::IpAddr;

use ipnet::IpNet;

use super::error::PrefixProblem;
use crate::record::{parse_dotted_quad, trim};

/// Parses `10.0.0.0/8`, `2600:1200::/24`, or a bare address (a host route,
/// /32 or /128). Whitespace around the address and the length is ignored.
pub(crate) fn parse_prefix(text: &str) -> Result<IpNet, PrefixProblem> {
    let text = trim(text);
    if text.is_empty() {
        return Err(PrefixProblem::Empty);
    }
    // A byte search: `split_once('/')` goes through the general pattern
    // searcher, several times the cost of the rest of a short cell.
    let slash = text.bytes().position(|b| b == b'/');
    let (addr_text, len_text) =
        match slash.and_then(|at| Some((text.get(..at)?, text.get(at + 1..)?))) {
            Some((addr, len)) => (trim(addr), Some(trim(len))),
            None => (text, None),
        };
    if addr_text.is_empty() {
        return Err(PrefixProblem::MissingAddress);
    }
    // Tables are mostly IPv4: the dotted-quad reader accepts exactly what
    // std's parser accepts, in a fraction of its time.
    let addr: IpAddr = match parse_dotted_quad(addr_text) {
        Some(v4) => IpAddr::V4(v4),
        None => addr_text
            .parse()
            .map_err(|_| PrefixProblem::BadAddress(addr_text.to_owned()))?,
    };
    let (family, max) = match addr {
        IpAddr::V4(_) => ("IPv4", 32),
        IpAddr::V6(_) => ("IPv6", 128),
    };
    let len = match len_text {
        None => max,
        Some(len_text) => parse_length(len_text, family, max)?,
    };
    IpNet::new(addr, len).map_err(|_| PrefixProblem::LengthOutOfRange {
        length: len.to_string(),
        family,
        max,
    })
}

fn parse_length(text: &str, family: &'static str, max: u8) -> Result<u8, PrefixProblem> {
    if text.is_empty() {
        return Err(PrefixProblem::MissingLength);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PrefixProblem::BadLength(text.to_owned()));
    }
    match text.parse::<u8>() {
        Ok(len) if len <= max => Ok(len),
        // All digits but too large for u8, or larger than the family allows.
        _ => Err(PrefixProblem::LengthOutOfRange {
            length: text.to_owned(),
            family,
            max,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("test prefix")
    }

    #[test]
    fn parses_prefixes_and_host_routes() {
        assert_eq!(parse_prefix("10.0.0.0/8"), Ok(net("10.0.0.0/8")));
        assert_eq!(parse_prefix(" 2600:1200::/24 "), Ok(net("2600:1200::/24")));
        assert_eq!(parse_prefix("192.0.2.7"), Ok(net("192.0.2.7/32")));
        assert_eq!(parse_prefix("2001:db8::1"), Ok(net("2001:db8::1/128")));
        assert_eq!(parse_prefix("10.0.0.0 / 8"), Ok(net("10.0.0.0/8")));
        assert_eq!(parse_prefix("0.0.0.0/0"), Ok(net("0.0.0.0/0")));
        assert_eq!(parse_prefix("2001:DB8::/32"), Ok(net("2001:db8::/32")));
    }

    #[test]
    fn host_bits_are_kept_for_the_builder_to_judge() {
        let parsed = parse_prefix("10.1.2.3/16").map(|n| n.addr());
        assert_eq!(parsed, Ok("10.1.2.3".parse().expect("addr")));
    }

    #[test]
    fn names_each_problem() {
        assert_eq!(parse_prefix("  "), Err(PrefixProblem::Empty));
        assert_eq!(parse_prefix("/8"), Err(PrefixProblem::MissingAddress));
        assert_eq!(
            parse_prefix("10.0.0.300/8"),
            Err(PrefixProblem::BadAddress("10.0.0.300".into()))
        );
        assert_eq!(
            parse_prefix("USDA"),
            Err(PrefixProblem::BadAddress("USDA".into()))
        );
        assert_eq!(parse_prefix("10.0.0.0/"), Err(PrefixProblem::MissingLength));
        assert_eq!(
            parse_prefix("10.0.0.0/8a"),
            Err(PrefixProblem::BadLength("8a".into()))
        );
        assert_eq!(
            parse_prefix("10.0.0.0/-1"),
            Err(PrefixProblem::BadLength("-1".into()))
        );
        assert_eq!(
            parse_prefix("10.0.0.0/33"),
            Err(PrefixProblem::LengthOutOfRange {
                length: "33".into(),
                family: "IPv4",
                max: 32
            })
        );
        assert_eq!(
            parse_prefix("::/129"),
            Err(PrefixProblem::LengthOutOfRange {
                length: "129".into(),
                family: "IPv6",
                max: 128
            })
        );
        assert_eq!(
            parse_prefix("10.0.0.0/99999999999999999999"),
            Err(PrefixProblem::LengthOutOfRange {
                length: "99999999999999999999".into(),
                family: "IPv4",
                max: 32
            })
        );
    }

    #[test]
    fn problem_messages_are_specific() {
        let msg = |s: &str| parse_prefix(s).err().map(|e| e.to_string());
        assert_eq!(
            msg("10.0.0.0/33").as_deref(),
            Some("prefix length /33 is out of range for IPv4 (allowed: /0 to /32)")
        );
        assert_eq!(
            msg("10.0.0/8").as_deref(),
            Some("`10.0.0` is not an IPv4 or IPv6 address")
        );
    }
}

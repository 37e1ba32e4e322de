//! A byte-loop reader for the dotted-quad IPv4 addresses of bulk inputs.
//!
//! `IpAddr::from_str` runs std's general address parser (atomic
//! backtracking reads, then an IPv6 attempt on failure), several hundred
//! instructions per address, and bulk inputs carry two addresses a row.
//! [`parse_dotted_quad`] accepts exactly the strings `Ipv4Addr::from_str`
//! accepts (four decimal octets of at most 255, no leading zeros, nothing
//! else) and gives the same address; anything it refuses still goes
//! through the general parser in [`super::parse_ip`], so IPv6 and the port
//! spellings are read as before.

use std::net::Ipv4Addr;

/// `a.b.c.d` as `Ipv4Addr::from_str` reads it; `None` for anything that
/// parser refuses. Text or bytes: CSV cells are read as bytes, and an
/// address is ASCII, so it needs no UTF-8 check first.
pub fn parse_dotted_quad(text: &(impl AsRef<[u8]> + ?Sized)) -> Option<Ipv4Addr> {
    let (a, rest) = octet(text.as_ref())?;
    let (b, rest) = octet(rest.strip_prefix(b".")?)?;
    let (c, rest) = octet(rest.strip_prefix(b".")?)?;
    let (d, rest) = octet(rest.strip_prefix(b".")?)?;
    rest.is_empty().then(|| Ipv4Addr::new(a, b, c, d))
}

/// The decimal octet at the start of `bytes`, read as std reads it: the
/// longest run of at most three digits, no leading zero unless it is the
/// only digit, at most 255. A fourth digit, or a digit after a leading zero,
/// is left in the rest, where the caller refuses it.
fn octet(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let digit = |b: u8| u32::from(b - b'0');
    let (value, rest) = match bytes {
        [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9', rest @ ..] => {
            (digit(*a) * 100 + digit(*b) * 10 + digit(*c), rest)
        }
        [a @ b'1'..=b'9', b @ b'0'..=b'9', rest @ ..] => (digit(*a) * 10 + digit(*b), rest),
        [a @ b'0'..=b'9', rest @ ..] => (digit(*a), rest),
        _ => return None,
    };
    Some((u8::try_from(value).ok()?, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::IpAddr;

    fn std_v4(text: &str) -> Option<Ipv4Addr> {
        text.parse().ok()
    }

    #[test]
    fn every_octet_spelling_in_every_position() {
        // Each one-to-four-digit spelling, leading zeros included.
        let mut spellings: Vec<String> = (0..=999).map(|n| n.to_string()).collect();
        spellings.extend((0..=99).map(|n| format!("0{n}")));
        spellings.extend((0..=9).map(|n| format!("00{n}")));
        spellings
            .extend(["1000", "2550", "0255", "", "+1", "-1", " 1", "1 ", "٣"].map(String::from));
        for s in &spellings {
            for position in 0..4 {
                let mut parts = ["1", "22", "103", "4"];
                parts[position] = s;
                let text = parts.join(".");
                assert_eq!(parse_dotted_quad(&text), std_v4(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn shapes_std_refuses_or_reads_differently() {
        for text in [
            "",
            ".",
            "1.2.3",
            "1.2.3.4.",
            ".1.2.3.4",
            "1.2.3.4.5",
            "1..2.3",
            "1.2.3.4:80",
            "::ffff:1.2.3.4",
            "1.2.3.04",
            "255.255.255.255",
            "0.0.0.0",
            "256.0.0.0",
            "1.2.3.4\n",
            "１.2.3.4",
        ] {
            assert_eq!(parse_dotted_quad(text), std_v4(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn same_as_std_on_digit_and_dot_soup(text in "[0-9.]{0,18}") {
            prop_assert_eq!(parse_dotted_quad(&text), std_v4(&text));
        }

        #[test]
        fn same_as_std_on_near_addresses(text in "[0-3]?[0-9]{0,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}[.:0-9a-f]?") {
            let fast = parse_dotted_quad(&text);
            prop_assert_eq!(fast, std_v4(&text));
            if let Some(v4) = fast {
                prop_assert_eq!(text.parse::<IpAddr>().ok(), Some(IpAddr::V4(v4)));
            }
        }

        #[test]
        fn reads_every_address(octets in any::<[u8; 4]>()) {
            let text = Ipv4Addr::from(octets).to_string();
            prop_assert_eq!(parse_dotted_quad(&text), Some(Ipv4Addr::from(octets)));
        }
    }
}

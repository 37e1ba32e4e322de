//! Reading tables from CSV text and looking addresses up in them.

use super::*;

fn load(text: &str) -> Result<AllocationTable, AllocationError> {
    AllocationTable::from_reader(text.as_bytes(), "tso.csv")
}

fn table(text: &str) -> AllocationTable {
    load(text).unwrap_or_else(|e| panic!("table should load: {e}"))
}

fn error(text: &str) -> AllocationError {
    match load(text) {
        Ok(t) => panic!("expected an error, got {t:?}"),
        Err(e) => e,
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn agency_of(t: &AllocationTable, addr: &str) -> Option<String> {
    t.lookup(ip(addr)).map(|a| a.agency().to_owned())
}

/// (line, column) of an error, for compact assertions.
fn at(e: &AllocationError) -> (Option<usize>, Option<usize>) {
    (e.line(), e.column())
}

#[test]
fn reads_all_columns() {
    let t = table(
        "cidr,agency,sub_organization,contact\n\
         199.128.0.0/11,USDA,,noc@usda.gov\n\
         199.130.0.0/16,USDA,Forest Service,fs-noc@usda.gov\n",
    );
    assert_eq!(t.len(), 2);
    let a = t.lookup(ip("199.130.4.5")).expect("allocated");
    assert_eq!(a.prefix(), "199.130.0.0/16".parse::<IpNet>().expect("net"));
    assert_eq!(a.agency(), "USDA");
    assert_eq!(a.sub_organization(), Some("Forest Service"));
    assert_eq!(a.contact(), Some("fs-noc@usda.gov"));
    assert_eq!(a.line(), Some(3));
    let b = t.lookup(ip("199.129.0.1")).expect("allocated");
    assert_eq!(b.sub_organization(), None);
    assert_eq!(b.line(), Some(2));
}

#[test]
fn nested_prefixes_resolve_to_the_longest() {
    let t = table(
        "cidr,agency\n\
         10.0.0.0/8,DOC\n\
         10.1.0.0/16,USDA\n\
         10.1.2.0/24,DOI\n\
         10.1.2.3,DHS\n",
    );
    assert_eq!(agency_of(&t, "10.200.0.1").as_deref(), Some("DOC"));
    assert_eq!(agency_of(&t, "10.1.200.1").as_deref(), Some("USDA"));
    assert_eq!(agency_of(&t, "10.1.2.4").as_deref(), Some("DOI"));
    assert_eq!(agency_of(&t, "10.1.2.3").as_deref(), Some("DHS"));
    assert_eq!(agency_of(&t, "11.0.0.0"), None);
}

#[test]
fn ipv6_and_host_routes() {
    let t = table(
        "cidr,agency\n\
         2600:1200::/24,USDA\n\
         2600:1200:1::/48,DOC\n\
         2001:db8::1,DHS\n",
    );
    assert_eq!(agency_of(&t, "2600:1200::1").as_deref(), Some("USDA"));
    assert_eq!(agency_of(&t, "2600:1200:1:ffff::1").as_deref(), Some("DOC"));
    assert_eq!(agency_of(&t, "2001:db8::1").as_deref(), Some("DHS"));
    assert_eq!(agency_of(&t, "2001:db8::2"), None);
    let host = t.lookup(ip("2001:db8::1")).map(|a| a.prefix());
    assert_eq!(host, Some("2001:db8::1/128".parse().expect("net")));
}

#[test]
fn ipv4_mapped_ipv6_addresses_are_looked_up_as_ipv4() {
    let t = table("cidr,agency\n192.0.2.0/24,USDA\n::/0,DOC\n");
    assert_eq!(agency_of(&t, "::ffff:192.0.2.1").as_deref(), Some("USDA"));
    // The IPv4 table, not the IPv6 default route, answers for mapped addresses.
    assert_eq!(agency_of(&t, "::ffff:198.51.100.1"), None);
    assert_eq!(agency_of(&t, "2001:db8::1").as_deref(), Some("DOC"));
}

#[test]
fn ipv4_addresses_do_not_match_ipv6_prefixes_or_vice_versa() {
    let t = table("cidr,agency\n0.0.0.0/0,V4\n::/0,V6\n");
    assert_eq!(agency_of(&t, "8.8.8.8").as_deref(), Some("V4"));
    assert_eq!(agency_of(&t, "::1").as_deref(), Some("V6"));
}

#[test]
fn comments_blank_lines_and_comma_only_rows_are_skipped() {
    let t = table(
        "# TSO allocations\n\
         \n\
         cidr,agency\n\
         # USDA block\n\
         \n\
         ,\n   \n\
         10.0.0.0/8,USDA\n",
    );
    assert_eq!(t.len(), 1);
    assert_eq!(t.lookup(ip("10.0.0.1")).and_then(|a| a.line()), Some(8));
}

#[test]
fn extra_columns_are_ignored_and_header_order_is_free() {
    let t = table(
        "Notes , CONTACT,Agency,Ticket,CIDR,Sub_Org\n\
         delegated 2019,noc@doc.gov,DOC,T-1,170.110.0.0/16,HCHB\n",
    );
    let a = t.lookup(ip("170.110.1.1")).expect("allocated");
    assert_eq!(a.agency(), "DOC");
    assert_eq!(a.contact(), Some("noc@doc.gov"));
    assert_eq!(a.sub_organization(), Some("HCHB"));
}

#[test]
fn sub_organization_header_aliases() {
    for name in ["sub_organization", "SubOrganization", "SUB_ORG"] {
        let t = table(&format!("cidr,agency,{name}\n10.0.0.0/8,USDA,ARS\n"));
        let sub = t.lookup(ip("10.0.0.1")).and_then(|a| a.sub_organization());
        assert_eq!(sub, Some("ARS"), "header {name}");
    }
}

#[test]
fn whitespace_around_cells_is_trimmed() {
    let t = table("  cidr ,\tagency\n  10.0.0.0/8 ,\t USDA  , \n");
    assert_eq!(agency_of(&t, "10.0.0.1").as_deref(), Some("USDA"));
}

#[test]
fn quoted_cells_may_contain_commas() {
    let t = table("cidr,agency,contact\n10.0.0.0/8,\"Commerce, NOAA\",\"Doe, Jane\"\n");
    let a = t.lookup(ip("10.0.0.1")).expect("allocated");
    assert_eq!(a.agency(), "Commerce, NOAA");
    assert_eq!(a.contact(), Some("Doe, Jane"));
}

#[test]
fn crlf_line_endings() {
    let t = table("# c\r\ncidr,agency\r\n10.0.0.0/8,USDA\r\n10.1.0.0/16,DOC\r\n");
    let a = t.lookup(ip("10.1.0.1")).expect("allocated");
    assert_eq!(a.agency(), "DOC");
    assert_eq!(a.line(), Some(4));
    let e = error("cidr,agency\r\n10.0.0.0/8,USDA\r\n10.0.0.0/8,DOC\r\n");
    assert_eq!(at(&e), (Some(3), Some(1)));
}

#[test]
fn utf8_bom_is_accepted_and_not_counted_as_a_column() {
    let t = table("\u{feff}cidr,agency\n10.0.0.0/8,USDA\n");
    assert_eq!(agency_of(&t, "10.0.0.1").as_deref(), Some("USDA"));
    let e = error("\u{feff}10.0.0.0/8,agency\n");
    assert_eq!(at(&e), (Some(1), Some(1)));
    let e = error("\u{feff}cidr,agency\n10.0.0.0/33,USDA\n");
    assert_eq!(at(&e), (Some(2), Some(1)));
}

#[test]
fn iter_is_in_file_order_across_families() {
    let t = table("cidr,agency\n10.0.0.0/8,A\n2001:db8::/32,B\n9.0.0.0/8,C\n");
    let order: Vec<(String, Option<usize>)> = t
        .iter()
        .map(|a| (a.agency().to_owned(), a.line()))
        .collect();
    assert_eq!(
        order,
        vec![
            ("A".to_owned(), Some(2)),
            ("B".to_owned(), Some(3)),
            ("C".to_owned(), Some(4)),
        ]
    );
    assert_eq!(t.iter().len(), 3);
    assert!(!t.is_empty());
}

#[test]
fn header_only_table_is_empty() {
    let t = table("cidr,agency\n");
    assert!(t.is_empty());
    assert_eq!(t.len(), 0);
    assert!(t.lookup(ip("10.0.0.1")).is_none());
}

#[test]
fn malformed_prefix_names_problem_and_cell() {
    let e = error("cidr,agency\n10.0.0.0/8,USDA\nUSDA,10.1.0.0/16\n");
    assert_eq!(at(&e), (Some(3), Some(1)));
    assert!(matches!(
        &e,
        AllocationError::MalformedPrefix { problem: PrefixProblem::BadAddress(a), .. } if a == "USDA"
    ));
    assert_eq!(
        e.to_string(),
        "tso.csv:3:1: `USDA` is not a valid prefix: `USDA` is not an IPv4 or IPv6 address"
    );
}

#[test]
fn prefix_length_out_of_range_points_at_the_cidr_cell() {
    let e = error("agency,  cidr\nUSDA,  10.0.0.0/33\n");
    assert_eq!(at(&e), (Some(2), Some(8)));
    assert!(matches!(
        &e,
        AllocationError::MalformedPrefix {
            problem: PrefixProblem::LengthOutOfRange { max: 32, .. },
            ..
        }
    ));
    assert!(
        e.to_string().contains("/33 is out of range for IPv4"),
        "{e}"
    );
}

#[test]
fn empty_cidr_cell_is_malformed() {
    let e = error("agency,cidr\nUSDA,\n");
    assert_eq!(at(&e), (Some(2), Some(6)));
    assert!(matches!(
        e,
        AllocationError::MalformedPrefix {
            problem: PrefixProblem::Empty,
            ..
        }
    ));
}

#[test]
fn host_bits_set_suggests_the_network() {
    let e = error("cidr,agency\n# x\n10.1.2.3/16,USDA\n");
    assert_eq!(at(&e), (Some(3), Some(1)));
    assert!(matches!(
        &e,
        AllocationError::HostBitsSet { normalized, text, .. }
            if normalized.to_string() == "10.1.0.0/16" && text == "10.1.2.3/16"
    ));
    assert!(e.to_string().contains("did you mean `10.1.0.0/16`?"), "{e}");
}

#[test]
fn duplicate_prefix_names_both_lines() {
    let e = error(
        "cidr,agency\n\
         2600:1200::/24,USDA\n\
         10.0.0.0/8,DOC\n\
         2600:1200:0::0/24,DOC\n",
    );
    assert_eq!(at(&e), (Some(4), Some(1)));
    assert!(matches!(
        &e,
        AllocationError::DuplicatePrefix { first_line: 2, prefix, .. }
            if prefix.to_string() == "2600:1200::/24"
    ));
    let msg = e.to_string();
    assert!(msg.contains("line 2 and line 4"), "{msg}");
}

#[test]
fn host_route_and_slash_32_are_duplicates() {
    let e = error("cidr,agency\n10.0.0.1,USDA\n 10.0.0.1/32 ,DOC\n");
    assert_eq!(at(&e), (Some(3), Some(2)));
    assert!(matches!(
        e,
        AllocationError::DuplicatePrefix { first_line: 2, .. }
    ));
}

#[test]
fn missing_required_columns() {
    let e = error("# header follows\nprefix,agency\n10.0.0.0/8,USDA\n");
    assert_eq!(at(&e), (Some(2), Some(1)));
    assert!(matches!(
        &e,
        AllocationError::MissingColumn { column: "cidr", found, hint: None, .. }
            if found == &["prefix", "agency"]
    ));
    let e = error("cidr,agncy\n");
    assert!(matches!(
        &e,
        AllocationError::MissingColumn { column: "agency", hint: Some(h), .. } if h == "agncy"
    ));
    assert_eq!(
        e.to_string(),
        "tso.csv:1:1: the header row has no `agency` column (found: cidr, agncy); \
         did you mean to name `agncy` as `agency`?"
    );
}

#[test]
fn duplicate_known_column_is_ambiguous() {
    let e = error("cidr,agency,sub_org,suborganization\n");
    assert_eq!(at(&e), (Some(1), Some(21)));
    assert!(matches!(
        e,
        AllocationError::DuplicateColumn {
            first_column: 13,
            ..
        }
    ));
}

#[test]
fn no_header_at_all() {
    let e = error("# nothing here\n\n");
    assert!(matches!(e, AllocationError::MissingHeader { .. }));
    assert_eq!(at(&e), (None, None));
    assert_eq!(e.path(), Path::new("tso.csv"));
}

#[test]
fn empty_agency_points_at_the_agency_cell() {
    let e = error("cidr,agency,contact\n10.0.0.0/8,   ,noc@usda.gov\n");
    assert_eq!(at(&e), (Some(2), Some(15)));
    assert!(matches!(e, AllocationError::EmptyAgency { .. }));
    // A short row: the missing cell is reported at the end of the row.
    let e = error("cidr,contact,agency\n10.0.0.0/8,x\n");
    assert_eq!(at(&e), (Some(2), Some(13)));
    assert!(matches!(e, AllocationError::EmptyAgency { .. }));
}

#[test]
fn extra_cell_suggests_quoting() {
    let e = error("cidr,agency\n10.0.0.0/8,Commerce, NOAA\n");
    assert_eq!(at(&e), (Some(2), Some(22)));
    assert!(matches!(
        e,
        AllocationError::ExtraCell {
            header_columns: 2,
            ..
        }
    ));
    // Trailing empty cells, as spreadsheets export, are fine.
    assert_eq!(table("cidr,agency\n10.0.0.0/8,USDA,,\n").len(), 1);
}

#[test]
fn ipv4_mapped_prefix_in_table_is_refused() {
    let e = error("cidr,agency\n::ffff:192.0.2.0/120,USDA\n");
    assert_eq!(at(&e), (Some(2), Some(1)));
    assert!(matches!(
        &e,
        AllocationError::Ipv4MappedPrefix { ipv4, .. } if ipv4.to_string() == "192.0.2.0/24"
    ));
}

#[test]
fn quoting_errors_have_locations() {
    let e = error("cidr,agency\n10.0.0.0/8,\"USDA\n10.1.0.0/16,DOC\n");
    assert!(matches!(e, AllocationError::UnterminatedQuote { .. }));
    assert_eq!(at(&e), (Some(2), Some(12)));
    let e = error("cidr,agency\n10.0.0.0/8,\"USDA\"x\n");
    assert!(matches!(e, AllocationError::TextAfterQuote { .. }));
    assert_eq!(at(&e), (Some(2), Some(18)));
}

#[test]
fn columns_count_characters_not_bytes() {
    let e = error("agency,cidr\nMinistère,10.0.0.0/40\n");
    assert_eq!(at(&e), (Some(2), Some(11)));
}

#[test]
fn invalid_utf8_is_located() {
    let mut bytes = b"cidr,agency\n10.0.0.0/8,US".to_vec();
    bytes.push(0xff);
    let e = AllocationTable::from_reader(bytes.as_slice(), "tso.csv")
        .expect_err("invalid UTF-8 must fail");
    assert!(matches!(e, AllocationError::InvalidUtf8 { .. }));
    assert_eq!(at(&e), (Some(2), Some(14)));
}

#[test]
fn unreadable_paths_are_io_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = AllocationTable::from_path(dir.path()).expect_err("a directory is not a table");
    assert!(matches!(e, AllocationError::Io { .. }));
    assert_eq!(e.path(), dir.path());
    assert_eq!(at(&e), (None, None));
    let missing = dir.path().join("missing.csv");
    let e = AllocationTable::from_path(&missing).expect_err("a missing file is not a table");
    assert!(matches!(e, AllocationError::Io { .. }));
    assert!(
        e.to_string()
            .contains("cannot read the TSO allocation table")
    );
}

#[test]
fn from_path_reads_a_file_and_names_it_in_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tso.csv");
    std::fs::write(&path, "cidr,agency\n10.0.0.0/8,USDA\n10.0.0.0/8,DOC\n").expect("write");
    let e = AllocationTable::from_path(&path).expect_err("duplicate must fail");
    assert_eq!(e.path(), path.as_path());
    assert!(
        e.to_string()
            .starts_with(&format!("{}:3:1: ", path.display()))
    );
    std::fs::write(&path, "cidr,agency\n10.0.0.0/8,USDA\n").expect("write");
    let t = AllocationTable::from_path(&path).expect("valid table");
    assert_eq!(agency_of(&t, "10.9.9.9").as_deref(), Some("USDA"));
}

#[test]
fn lookups_from_many_threads_share_one_table() {
    let t = table("cidr,agency\n10.0.0.0/8,USDA\n");
    let hits: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4u8)
            .map(|i| {
                let t = &t;
                s.spawn(move || {
                    usize::from(t.lookup(IpAddr::V4(Ipv4Addr::new(10, i, 0, 1))).is_some())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    assert_eq!(hits, 4);
}

#[test]
fn the_same_bits_in_both_families_are_not_duplicates() {
    // The duplicate check keeps the families apart.
    let t = table("cidr,agency\n0.0.0.0/0,V4\n::/0,V6\n10.0.0.0/8,TEN\na00::/8,V6-TEN\n");
    assert_eq!(t.len(), 4);
    assert_eq!(agency_of(&t, "10.1.1.1").as_deref(), Some("TEN"));
    assert_eq!(agency_of(&t, "11.1.1.1").as_deref(), Some("V4"));
    assert_eq!(agency_of(&t, "a00::1").as_deref(), Some("V6-TEN"));
    assert_eq!(agency_of(&t, "2001:db8::1").as_deref(), Some("V6"));
}

#[test]
fn lookups_answer_the_same_in_every_order_and_clone() {
    // A clone taken before any lookup, and lookups of one family before
    // the other, agree.
    let text = "cidr,agency\n10.0.0.0/8,TEN\n10.1.0.0/16,ONE\n2600::/16,V6\n2600:1::/32,V6-ONE\n";
    let probes = [
        "10.1.2.3",
        "10.2.0.0",
        "11.0.0.0",
        "2600:1::5",
        "2600:2::",
        "::ffff:10.1.0.1",
    ];
    let expected: Vec<Option<String>> = probes.iter().map(|p| agency_of(&table(text), p)).collect();
    let t = table(text);
    let clone = t.clone();
    let v6_first: Vec<Option<String>> = probes.iter().rev().map(|p| agency_of(&t, p)).collect();
    let v4_first: Vec<Option<String>> = probes.iter().map(|p| agency_of(&clone, p)).collect();
    assert_eq!(v6_first.into_iter().rev().collect::<Vec<_>>(), expected);
    assert_eq!(v4_first, expected);
    assert_eq!(
        expected,
        vec![
            Some("ONE".to_owned()),
            Some("TEN".to_owned()),
            None,
            Some("V6-ONE".to_owned()),
            Some("V6".to_owned()),
            Some("ONE".to_owned()),
        ]
    );
    assert_eq!(
        format!("{t:?}"),
        "AllocationTable { len: 4, ipv4: 2, ipv6: 2 }"
    );
}

fn ten_slash_eight(t: &AllocationTable) -> Option<Allocation<'_>> {
    t.iter().find(|a| a.prefix().to_string() == "10.0.0.0/8")
}

#[test]
fn allocations_are_equal_by_what_they_say_across_tables() {
    // Entries name their texts by index into their own table: equality
    // compares the texts, so the same row on the same line of two tables
    // (its agency interned at different indexes) is equal.
    let a = table("cidr,agency,sub_organization\n# note\n10.0.0.0/8,USDA,FS\n");
    let b = table("cidr,agency,sub_organization\n11.0.0.0/8,DOC,\n10.0.0.0/8,USDA,FS\n");
    let c = table("cidr,agency,sub_organization\n# note\n10.0.0.0/8,USDA,ARS\n");
    let (a, b, c) = (
        ten_slash_eight(&a),
        ten_slash_eight(&b),
        ten_slash_eight(&c),
    );
    assert_eq!(
        a.map(|x| (x.agency(), x.sub_organization(), x.line())),
        Some(("USDA", Some("FS"), Some(3)))
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
}

proptest::proptest! {
    /// A table file read with its IPv4 duplicates found by one sort gives
    /// the table, or the error (kind, line, column, first line), that
    /// checking each insert gives, whatever other faults come before or
    /// after the first duplicate.
    #[test]
    fn sorting_for_duplicates_loads_as_checking_each_insert(
        rows in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "10.0.0.0/8", "10.0.0.0/16", " 10.0.0.0/8 ", "\"10.0.0.0/8\"", "192.0.2.0/24",
                    "192.0.2.0/25", "10.0.0.0", "10.1.2.3/16", "x", "10.0.0.0/33", "::/0",
                    "2001:db8::/32", "::ffff:192.0.2.0/120", "",
                ]),
                proptest::sample::select(vec!["USDA", "DOC", "", " USDA "]),
                proptest::sample::select(vec!["", "\n", "\n# note\n", "\n\n", ",extra", ",\"open"]),
                proptest::bool::weighted(0.9),
            ),
            0..14,
        ),
    ) {
        let mut text = String::from("cidr,agency\n");
        for (cidr, agency, after, clean) in rows {
            text.push_str(cidr);
            text.push(',');
            text.push_str(agency);
            if !clean {
                text.push_str(after);
            }
            text.push('\n');
        }
        let path = std::path::Path::new("tso.csv");
        let outcome = |builder| match load::parse_into(&text, path, builder) {
            Ok(table) => Ok(table.iter().map(|a| (a.prefix(), a.agency().to_owned(), a.line())).collect::<Vec<_>>()),
            Err(e) => Err(e.to_string()),
        };
        proptest::prop_assert_eq!(
            outcome(AllocationTableBuilder::sorting_duplicates()),
            outcome(AllocationTableBuilder::new()),
            "{}", text
        );
    }
}

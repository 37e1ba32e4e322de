//! The calendar against published holiday dates, worked examples from the
//! policy, daylight-saving changes, and properties over random inputs.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use docket::calendar::{
    Calendar, CalendarError, FiscalQuarter, FiscalYear, LocalTimeError, NonWorkingReason,
    federal_holidays, observed_holiday, resolve_local,
};
use proptest::prelude::*;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test dates are valid")
}

fn local(tz: Tz, text: &str) -> DateTime<Utc> {
    let naive: NaiveDateTime = text.parse().expect("test times are valid");
    resolve_local(tz, naive)
        .expect("test times are unambiguous")
        .with_timezone(&Utc)
}

const NEW_YORK: Tz = chrono_tz::America::New_York;

/// Observed federal holidays as OPM publishes them, by the calendar year of
/// the observed date (so 2021 holds New Year's Day 2022, observed on Friday
/// 31 December 2021, and 2022 has no New Year's Day of its own). Written out
/// from OPM's tables, not computed; weekdays checked by hand.
const OPM_OBSERVED: &[(i32, &[&str])] = &[
    (
        2020,
        &[
            "2020-01-01", // Wed New Year's Day
            "2020-01-20", // Mon Martin Luther King Jr.
            "2020-02-17", // Mon Washington's Birthday
            "2020-05-25", // Mon Memorial Day
            "2020-07-03", // Fri Independence Day (Sat 4th)
            "2020-09-07", // Mon Labor Day
            "2020-10-12", // Mon Columbus Day
            "2020-11-11", // Wed Veterans Day
            "2020-11-26", // Thu Thanksgiving
            "2020-12-25", // Fri Christmas
        ],
    ),
    (
        2021,
        &[
            "2021-01-01", // Fri
            "2021-01-18", // Mon
            "2021-02-15", // Mon
            "2021-05-31", // Mon
            "2021-06-18", // Fri Juneteenth, first year (Sat 19th)
            "2021-07-05", // Mon Independence Day (Sun 4th)
            "2021-09-06", // Mon
            "2021-10-11", // Mon
            "2021-11-11", // Thu
            "2021-11-25", // Thu
            "2021-12-24", // Fri Christmas (Sat 25th)
            "2021-12-31", // Fri New Year's Day 2022 (Sat 1 Jan)
        ],
    ),
    (
        2022,
        &[
            "2022-01-17", // Mon
            "2022-02-21", // Mon
            "2022-05-30", // Mon
            "2022-06-20", // Mon Juneteenth (Sun 19th)
            "2022-07-04", // Mon
            "2022-09-05", // Mon
            "2022-10-10", // Mon
            "2022-11-11", // Fri
            "2022-11-24", // Thu
            "2022-12-26", // Mon Christmas (Sun 25th)
        ],
    ),
    (
        2023,
        &[
            "2023-01-02", // Mon New Year's Day (Sun 1st)
            "2023-01-16", // Mon
            "2023-02-20", // Mon
            "2023-05-29", // Mon
            "2023-06-19", // Mon
            "2023-07-04", // Tue
            "2023-09-04", // Mon
            "2023-10-09", // Mon
            "2023-11-10", // Fri Veterans Day (Sat 11th)
            "2023-11-23", // Thu
            "2023-12-25", // Mon
        ],
    ),
    (
        2024,
        &[
            "2024-01-01", // Mon
            "2024-01-15", // Mon
            "2024-02-19", // Mon
            "2024-05-27", // Mon
            "2024-06-19", // Wed
            "2024-07-04", // Thu
            "2024-09-02", // Mon
            "2024-10-14", // Mon
            "2024-11-11", // Mon
            "2024-11-28", // Thu
            "2024-12-25", // Wed
        ],
    ),
    (
        2025,
        &[
            "2025-01-01", // Wed
            "2025-01-20", // Mon (also Inauguration Day, DC area only)
            "2025-02-17", // Mon
            "2025-05-26", // Mon
            "2025-06-19", // Thu
            "2025-07-04", // Fri
            "2025-09-01", // Mon
            "2025-10-13", // Mon
            "2025-11-11", // Tue
            "2025-11-27", // Thu
            "2025-12-25", // Thu
        ],
    ),
    (
        2026,
        &[
            "2026-01-01", // Thu
            "2026-01-19", // Mon
            "2026-02-16", // Mon
            "2026-05-25", // Mon
            "2026-06-19", // Fri
            "2026-07-03", // Fri Independence Day (Sat 4th)
            "2026-09-07", // Mon
            "2026-10-12", // Mon
            "2026-11-11", // Wed
            "2026-11-26", // Thu
            "2026-12-25", // Fri
        ],
    ),
    (
        2027,
        &[
            "2027-01-01", // Fri
            "2027-01-18", // Mon
            "2027-02-15", // Mon
            "2027-05-31", // Mon
            "2027-06-18", // Fri Juneteenth (Sat 19th)
            "2027-07-05", // Mon Independence Day (Sun 4th)
            "2027-09-06", // Mon
            "2027-10-11", // Mon
            "2027-11-11", // Thu
            "2027-11-25", // Thu
            "2027-12-24", // Fri Christmas (Sat 25th)
            "2027-12-31", // Fri New Year's Day 2028 (Sat 1 Jan)
        ],
    ),
    (
        2028,
        &[
            "2028-01-17", // Mon
            "2028-02-21", // Mon
            "2028-05-29", // Mon
            "2028-06-19", // Mon
            "2028-07-04", // Tue
            "2028-09-04", // Mon
            "2028-10-09", // Mon
            "2028-11-10", // Fri Veterans Day (Sat 11th)
            "2028-11-23", // Thu
            "2028-12-25", // Mon
        ],
    ),
    (
        2029,
        &[
            "2029-01-01", // Mon
            "2029-01-15", // Mon
            "2029-02-19", // Mon
            "2029-05-28", // Mon
            "2029-06-19", // Tue
            "2029-07-04", // Wed
            "2029-09-03", // Mon
            "2029-10-08", // Mon
            "2029-11-12", // Mon Veterans Day (Sun 11th)
            "2029-11-22", // Thu
            "2029-12-25", // Tue
        ],
    ),
    (
        2030,
        &[
            "2030-01-01", // Tue
            "2030-01-21", // Mon
            "2030-02-18", // Mon
            "2030-05-27", // Mon
            "2030-06-19", // Wed
            "2030-07-04", // Thu
            "2030-09-02", // Mon
            "2030-10-14", // Mon
            "2030-11-11", // Mon
            "2030-11-28", // Thu
            "2030-12-25", // Wed
        ],
    ),
];

fn published(year: i32) -> BTreeSet<NaiveDate> {
    OPM_OBSERVED
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, dates)| dates.iter().map(|d| day(d)).collect())
        .unwrap_or_default()
}

#[test]
fn the_table_covers_2020_to_2030_with_weekdays_only() {
    let years: Vec<i32> = OPM_OBSERVED.iter().map(|(y, _)| *y).collect();
    assert_eq!(years, (2020..=2030).collect::<Vec<_>>());
    for year in 2020..=2030 {
        for date in published(year) {
            assert_eq!(date.year(), year);
            assert!(
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                "{date}"
            );
        }
    }
}

#[test]
fn yearly_holiday_lists_give_exactly_the_published_observed_dates() {
    for year in 2020..=2030 {
        // Holidays observed in `year` come from that year's list, plus New
        // Year's Day of the next year when it is observed on 31 December.
        let computed: BTreeSet<NaiveDate> = [year, year + 1]
            .into_iter()
            .flat_map(|y| federal_holidays(y).expect("modeled year"))
            .map(|holiday| holiday.observed)
            .filter(|observed| observed.year() == year)
            .collect();
        assert_eq!(computed, published(year), "{year}");
    }
}

#[test]
fn day_by_day_lookup_finds_exactly_the_published_observed_dates() {
    for year in 2020..=2030 {
        let computed: BTreeSet<NaiveDate> = day(&format!("{year}-01-01"))
            .iter_days()
            .take_while(|date| date.year() == year)
            .filter(|date| observed_holiday(*date).expect("modeled year").is_some())
            .collect();
        assert_eq!(computed, published(year), "{year}");
    }
}

#[test]
fn new_years_eve_2021_is_a_day_off_for_new_years_day_2022() {
    let calendar = Calendar::new(NEW_YORK, []);
    let reason = calendar
        .non_working_reason(day("2021-12-31"))
        .expect("modeled year");
    assert_eq!(
        reason.map(|r| r.to_string()).as_deref(),
        Some("New Year's Day (observed; falls on Saturday 2022-01-01)")
    );
    assert_eq!(calendar.is_working_day(day("2022-01-03")), Ok(true));
}

#[test]
fn low_event_the_day_before_thanksgiving_is_due_the_following_tuesday() {
    let calendar = Calendar::new(NEW_YORK, []);
    let start = local(NEW_YORK, "2026-11-25T10:00:00");
    let due = calendar.working_days_after(start, 3).expect("modeled year");
    assert_eq!(due.due.to_rfc3339(), "2026-12-01T23:59:59.999999999-05:00");
    assert_eq!(
        due.counted,
        vec![day("2026-11-27"), day("2026-11-30"), day("2026-12-01")]
    );
    let skipped: Vec<(NaiveDate, String)> = due
        .skipped
        .iter()
        .map(|(date, reason)| (*date, reason.to_string()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (day("2026-11-26"), "Thanksgiving Day".to_owned()),
            (day("2026-11-28"), "Saturday".to_owned()),
            (day("2026-11-29"), "Sunday".to_owned()),
        ]
    );
    assert_eq!(
        calendar.working_days_between(start, due.due.to_utc()),
        Ok(3)
    );
}

#[test]
fn the_start_day_is_the_local_day_not_the_utc_day() {
    let calendar = Calendar::new(NEW_YORK, []);
    // 02:00 UTC on Thursday is 21:00 on Wednesday in New York.
    let start: DateTime<Utc> = "2026-11-26T02:00:00Z".parse().expect("valid");
    assert_eq!(calendar.local_date(start), day("2026-11-25"));
    let due = calendar.working_days_after(start, 1).expect("modeled year");
    assert_eq!(due.due.date_naive(), day("2026-11-27"));
}

#[test]
fn closures_are_skipped_and_reported_with_their_reason() {
    let calendar = Calendar::new(
        NEW_YORK,
        [(
            day("2026-12-02"),
            "federal offices closed by executive order".to_owned(),
        )],
    );
    let start = local(NEW_YORK, "2026-12-01T09:00:00");
    let due = calendar.working_days_after(start, 2).expect("modeled year");
    assert_eq!(due.counted, vec![day("2026-12-03"), day("2026-12-04")]);
    assert_eq!(
        due.skipped,
        vec![(
            day("2026-12-02"),
            NonWorkingReason::Closure("federal offices closed by executive order".to_owned())
        )]
    );
    assert_eq!(
        due.skipped.first().map(|(_, reason)| reason.to_string()),
        Some("closure: federal offices closed by executive order".to_owned())
    );
    assert_eq!(calendar.is_working_day(day("2026-12-02")), Ok(false));
}

#[test]
fn naive_times_in_the_spring_gap_and_autumn_overlap_are_refused() {
    let gap = resolve_local(NEW_YORK, "2026-03-08T02:30:00".parse().expect("valid"));
    assert!(
        matches!(gap, Err(LocalTimeError::Nonexistent { .. })),
        "{gap:?}"
    );
    let message = gap.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("the clocks skip from 2026-03-08 02:00:00 to 2026-03-08 03:00:00"));

    let overlap = resolve_local(NEW_YORK, "2026-11-01T01:30:00".parse().expect("valid"));
    let Err(LocalTimeError::Ambiguous { earlier, later, .. }) = overlap else {
        panic!("expected an ambiguous time, got {overlap:?}");
    };
    assert_eq!(earlier.to_rfc3339(), "2026-11-01T01:30:00-04:00");
    assert_eq!(later.to_rfc3339(), "2026-11-01T01:30:00-05:00");
}

#[test]
fn calendar_days_keep_the_wall_clock_across_the_spring_change() {
    let calendar = Calendar::new(NEW_YORK, []);
    let start = local(NEW_YORK, "2026-03-07T10:00:00");
    let due = calendar
        .calendar_days_after(start, 1)
        .expect("modeled year");
    assert_eq!(due.to_rfc3339(), "2026-03-08T10:00:00-04:00");
    assert_eq!(due.to_utc() - start, TimeDelta::hours(23));
}

#[test]
fn calendar_days_into_the_gap_land_at_its_end_and_into_the_overlap_at_its_start() {
    let calendar = Calendar::new(NEW_YORK, []);
    let before_gap = local(NEW_YORK, "2026-03-01T02:30:00");
    let due = calendar
        .calendar_days_after(before_gap, 7)
        .expect("modeled year");
    assert_eq!(due.to_rfc3339(), "2026-03-08T03:00:00-04:00");
    let before_overlap = local(NEW_YORK, "2026-10-31T01:30:00");
    let due = calendar
        .calendar_days_after(before_overlap, 1)
        .expect("modeled year");
    assert_eq!(due.to_rfc3339(), "2026-11-01T01:30:00-04:00");
}

#[test]
fn hours_are_elapsed_time_across_the_spring_change() {
    let calendar = Calendar::new(NEW_YORK, []);
    let start = local(NEW_YORK, "2026-03-07T22:00:00");
    let due = calendar.hours_after(start, 12).expect("modeled year");
    assert_eq!(due.to_utc() - start, TimeDelta::hours(12));
    // The clocks lost an hour overnight, so the wall clock shows 11:00.
    assert_eq!(due.to_rfc3339(), "2026-03-08T11:00:00-04:00");
}

#[test]
fn dates_before_1971_are_refused_rather_than_guessed() {
    let calendar = Calendar::new(NEW_YORK, []);
    assert_eq!(
        calendar.is_working_day(day("1970-07-03")),
        Err(CalendarError::UnsupportedDate {
            date: day("1970-07-03")
        })
    );
    assert!(
        calendar
            .working_days_between(local(NEW_YORK, "1969-07-20T20:17:00"), Utc::now())
            .is_err()
    );
}

// ---- properties -----------------------------------------------------------

/// US zones a federal ruleset might use, plus UTC.
const ZONES: [Tz; 7] = [
    chrono_tz::America::New_York,
    chrono_tz::America::Chicago,
    chrono_tz::America::Denver,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::Anchorage,
    chrono_tz::Pacific::Honolulu,
    chrono_tz::UTC,
];

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES.to_vec())
}

/// Instants from 1990 to 2090, to the second.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (631_152_000_i64..3_786_912_000)
        .prop_map(|seconds| DateTime::from_timestamp(seconds, 0).expect("within chrono's range"))
}

/// A calendar with a few closures within a couple of months of `near`.
fn calendar_near(tz: Tz, near: DateTime<Utc>, closure_offsets: &[u64]) -> Calendar {
    let base = near.with_timezone(&tz).date_naive();
    Calendar::new(
        tz,
        closure_offsets.iter().filter_map(|offset| {
            Some((
                base.checked_add_days(Days::new(*offset))?,
                format!("closure {offset}"),
            ))
        }),
    )
}

fn closure_offsets() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(0_u64..60, 0..6)
}

proptest! {
    #[test]
    fn due_day_is_a_working_day_strictly_after_the_start_day(
        tz in zone(), start in instant(), offsets in closure_offsets(), n in 1_u32..40,
    ) {
        let calendar = calendar_near(tz, start, &offsets);
        let due = calendar.working_days_after(start, n).expect("modeled years");
        let due_day = due.due.date_naive();
        prop_assert!(due_day > calendar.local_date(start));
        prop_assert_eq!(calendar.non_working_reason(due_day), Ok(None));
        prop_assert_eq!(due.due, calendar.end_of_day(due_day));
        prop_assert_eq!(
            (due.due.hour(), due.due.minute(), due.due.second(), due.due.nanosecond()),
            (23, 59, 59, 999_999_999)
        );
    }

    #[test]
    fn counted_and_skipped_days_partition_the_window(
        tz in zone(), start in instant(), offsets in closure_offsets(), n in 0_u32..40,
    ) {
        let calendar = calendar_near(tz, start, &offsets);
        let due = calendar.working_days_after(start, n).expect("modeled years");
        prop_assert_eq!(due.counted.len(), usize::try_from(n).expect("small"));
        let window: Vec<NaiveDate> = calendar
            .local_date(start)
            .iter_days()
            .skip(1)
            .take_while(|date| *date <= due.due.date_naive())
            .collect();
        let mut merged: Vec<NaiveDate> = due.counted.clone();
        merged.extend(due.skipped.iter().map(|(date, _)| *date));
        merged.sort();
        prop_assert_eq!(merged, window);
        for date in &due.counted {
            prop_assert_eq!(calendar.is_working_day(*date), Ok(true));
        }
        for (date, reason) in &due.skipped {
            prop_assert_eq!(calendar.non_working_reason(*date), Ok(Some(reason.clone())));
        }
    }

    #[test]
    fn due_dates_grow_with_the_count(
        tz in zone(), start in instant(), offsets in closure_offsets(), n in 0_u32..40,
    ) {
        let calendar = calendar_near(tz, start, &offsets);
        let shorter = calendar.working_days_after(start, n).expect("modeled years");
        let longer = calendar.working_days_after(start, n + 1).expect("modeled years");
        prop_assert!(shorter.due < longer.due);
        prop_assert_eq!(&longer.counted[..shorter.counted.len()], &shorter.counted[..]);
    }

    #[test]
    fn working_days_between_undoes_working_days_after(
        tz in zone(), start in instant(), offsets in closure_offsets(), n in 0_u32..40,
    ) {
        let calendar = calendar_near(tz, start, &offsets);
        let due = calendar.working_days_after(start, n).expect("modeled years").due.to_utc();
        prop_assert_eq!(calendar.working_days_between(start, due), Ok(i64::from(n)));
        prop_assert_eq!(calendar.working_days_between(due, start), Ok(-i64::from(n)));
    }

    #[test]
    fn calendar_days_keep_local_time_unless_it_falls_in_a_gap(
        tz in zone(), start in instant(), n in 0_u32..400,
    ) {
        let calendar = Calendar::new(tz, []);
        let due = calendar.calendar_days_after(start, n).expect("modeled years");
        let target = start
            .with_timezone(&tz)
            .naive_local()
            .checked_add_days(Days::new(u64::from(n)))
            .expect("in range");
        match resolve_local(tz, target) {
            Ok(exact) => prop_assert_eq!(due, exact),
            Err(LocalTimeError::Ambiguous { earlier, .. }) => prop_assert_eq!(due, earlier),
            Err(LocalTimeError::Nonexistent { gap, .. }) => {
                let gap = gap.expect("zones in the table describe their gaps");
                prop_assert_eq!(due, gap.resumes_at);
                prop_assert!(due.naive_local() > target);
            }
        }
        prop_assert_eq!(due.date_naive(), target.date());
    }

    #[test]
    fn hours_are_exact_elapsed_time(tz in zone(), start in instant(), n in 0_u32..10_000) {
        let due = Calendar::new(tz, []).hours_after(start, n).expect("modeled years");
        prop_assert_eq!(due.to_utc() - start, TimeDelta::hours(i64::from(n)));
    }

    #[test]
    fn resolving_a_local_time_finds_the_instant_it_came_from(
        tz in zone(), start in instant(),
    ) {
        let naive = start.with_timezone(&tz).naive_local();
        match resolve_local(tz, naive) {
            Ok(found) => prop_assert_eq!(found.to_utc(), start),
            Err(LocalTimeError::Ambiguous { earlier, later, .. }) => {
                prop_assert!(earlier.to_utc() == start || later.to_utc() == start);
                prop_assert!(earlier < later);
            }
            Err(err) => prop_assert!(false, "a time the clocks showed was refused: {}", err),
        }
    }

    #[test]
    fn a_dates_fiscal_quarter_and_year_contain_it(tz in zone(), start in instant()) {
        let date = start.with_timezone(&tz).date_naive();
        let quarter = FiscalQuarter::of_date(date).expect("modeled years");
        let year = FiscalYear::of_date(date).expect("modeled years");
        prop_assert!(quarter.contains(date));
        prop_assert!(year.contains(date));
        prop_assert_eq!(quarter.fiscal_year(), year);
        let (from, until) = quarter.bounds(tz);
        prop_assert!(from <= start && start < until);
        let (from, until) = year.bounds(tz);
        prop_assert!(from <= start && start < until);
    }

    #[test]
    fn quarters_tile_their_fiscal_year(year in 1977_i32..=9999, tz in zone()) {
        let fy = FiscalYear::new(year).expect("in range");
        let quarters = fy.quarters();
        prop_assert_eq!(quarters.map(FiscalQuarter::quarter), [1, 2, 3, 4]);
        prop_assert_eq!(quarters[0].first_day(), fy.first_day());
        prop_assert_eq!(quarters[3].last_day(), fy.last_day());
        prop_assert_eq!(quarters[0].bounds(tz).0, fy.bounds(tz).0);
        prop_assert_eq!(quarters[3].bounds(tz).1, fy.bounds(tz).1);
        for pair in quarters.windows(2) {
            let [earlier, later] = pair else { unreachable!("windows of two") };
            prop_assert_eq!(earlier.last_day().succ_opt(), Some(later.first_day()));
            prop_assert_eq!(earlier.bounds(tz).1, later.bounds(tz).0);
        }
        for quarter in quarters {
            prop_assert_eq!(quarter.fiscal_year(), fy);
            prop_assert_eq!(quarter.to_string().parse::<FiscalQuarter>(), Ok(quarter));
        }
    }
}

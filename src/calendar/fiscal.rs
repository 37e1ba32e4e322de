//! Federal fiscal years and quarters.
//!
//! Fiscal year N runs from 1 October of year N-1 to 30 September of year N,
//! so FY2027 Q1 is October to December 2026. FISMA reporting and plans of
//! action and milestones are quarterly, and interim policy exceptions expire
//! with the fiscal year, which is why audits select and label by these.
//!
//! The October start dates from FY1977 (Congressional Budget Act of 1974);
//! earlier fiscal years began on 1 July, so years before FY1977 are refused.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::error::LAST_SUPPORTED_YEAR;
use super::local_time::start_of_day;

/// The first fiscal year that began on 1 October (on 1 October 1976).
pub const FIRST_OCTOBER_FISCAL_YEAR: i32 = 1977;

/// Why a fiscal year or quarter could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FiscalError {
    /// The text does not have the shape of a fiscal year or quarter.
    #[error("{input:?} is not {expected}")]
    Malformed {
        /// The text as given.
        input: String,
        /// What was expected, with an example.
        expected: &'static str,
    },
    /// The year is not written with exactly four digits.
    #[error("{input:?}: the fiscal year must be 4 digits, as in FY2027")]
    YearNotFourDigits {
        /// The text as given.
        input: String,
    },
    /// The quarter is not 1 to 4.
    #[error("{input:?}: the quarter must be 1-4, as in FY2027Q1")]
    QuarterNotOneToFour {
        /// The text as given, or the year and quarter asked for.
        input: String,
    },
    /// The fiscal year is outside the years docket models.
    #[error(
        "FY{year} is outside FY{FIRST_OCTOBER_FISCAL_YEAR} to FY{LAST_SUPPORTED_YEAR}: before \
         FY{FIRST_OCTOBER_FISCAL_YEAR} the federal fiscal year began on 1 July"
    )]
    YearOutOfRange {
        /// The fiscal year asked for.
        year: i32,
    },
}

/// A federal fiscal year, named by the calendar year it ends in.
///
/// Displays, parses and serializes as `FY2027`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear(i32);

/// One quarter of a federal fiscal year; Q1 is October to December.
///
/// Displays and serializes as `FY2027 Q1`; parses from `FY2027Q1`,
/// `FY2027-Q1`, `FY2027 Q1` in any letter case. The `FY` is required: a bare
/// `2027Q1` reads as the calendar quarter January to March 2027, which is
/// FY2027 Q2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalQuarter {
    fy: FiscalYear,
    quarter: Quarter,
}

/// The four quarters, so a quarter number cannot be out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl FiscalYear {
    /// Fiscal year `year` (the calendar year it ends in).
    ///
    /// # Errors
    ///
    /// [`FiscalError::YearOutOfRange`] before FY1977 or after FY9999.
    pub fn new(year: i32) -> Result<Self, FiscalError> {
        if (FIRST_OCTOBER_FISCAL_YEAR..=LAST_SUPPORTED_YEAR).contains(&year) {
            Ok(Self(year))
        } else {
            Err(FiscalError::YearOutOfRange { year })
        }
    }

    /// The fiscal year `date` belongs to.
    ///
    /// # Errors
    ///
    /// [`FiscalError::YearOutOfRange`] for a date before 1 October 1976 or
    /// after 30 September 9999.
    pub fn of_date(date: NaiveDate) -> Result<Self, FiscalError> {
        let year = if date.month() >= 10 {
            date.year() + 1
        } else {
            date.year()
        };
        Self::new(year)
    }

    /// The calendar year the fiscal year ends in: 2027 for FY2027.
    pub fn year(self) -> i32 {
        self.0
    }

    /// 1 October of the previous calendar year.
    pub fn first_day(self) -> NaiveDate {
        date(self.0 - 1, 10, 1)
    }

    /// 30 September, the last day of the fiscal year (inclusive).
    pub fn last_day(self) -> NaiveDate {
        date(self.0, 9, 30)
    }

    /// The day interim policy exceptions granted in this fiscal year expire
    /// ("interim exceptions expire with each fiscal year"): its last day,
    /// 30 September.
    pub fn end_date(self) -> NaiveDate {
        self.last_day()
    }

    /// Whether `date` falls in the fiscal year.
    pub fn contains(self, date: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&date)
    }

    /// The fiscal year as instants in `tz`: from the start of 1 October
    /// (inclusive) to the start of the next 1 October (exclusive), so
    /// consecutive years share a boundary and every instant is in exactly
    /// one.
    pub fn bounds(self, tz: Tz) -> (DateTime<Tz>, DateTime<Tz>) {
        (
            start_of_day(tz, self.first_day()),
            start_of_day(tz, date(self.0, 10, 1)),
        )
    }

    /// The four quarters of the year, in order.
    pub fn quarters(self) -> [FiscalQuarter; 4] {
        [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4]
            .map(|quarter| FiscalQuarter { fy: self, quarter })
    }
}

impl FiscalQuarter {
    /// Quarter `quarter` (1 to 4) of fiscal year `fy`.
    ///
    /// # Errors
    ///
    /// [`FiscalError::QuarterNotOneToFour`] for any other quarter number.
    pub fn new(fy: FiscalYear, quarter: u8) -> Result<Self, FiscalError> {
        let quarter = match quarter {
            1 => Quarter::Q1,
            2 => Quarter::Q2,
            3 => Quarter::Q3,
            4 => Quarter::Q4,
            _ => {
                return Err(FiscalError::QuarterNotOneToFour {
                    input: format!("{fy} Q{quarter}"),
                });
            }
        };
        Ok(Self { fy, quarter })
    }

    /// The fiscal quarter `date` belongs to.
    ///
    /// # Errors
    ///
    /// [`FiscalError::YearOutOfRange`] as for [`FiscalYear::of_date`].
    pub fn of_date(date: NaiveDate) -> Result<Self, FiscalError> {
        let quarter = match date.month() {
            10..=12 => Quarter::Q1,
            1..=3 => Quarter::Q2,
            4..=6 => Quarter::Q3,
            _ => Quarter::Q4,
        };
        Ok(Self {
            fy: FiscalYear::of_date(date)?,
            quarter,
        })
    }

    /// The fiscal year the quarter belongs to.
    pub fn fiscal_year(self) -> FiscalYear {
        self.fy
    }

    /// The quarter's number, 1 to 4.
    pub fn quarter(self) -> u8 {
        match self.quarter {
            Quarter::Q1 => 1,
            Quarter::Q2 => 2,
            Quarter::Q3 => 3,
            Quarter::Q4 => 4,
        }
    }

    /// The calendar year and month the quarter starts in.
    fn first_month(self) -> (i32, u32) {
        let fy = self.fy.0;
        match self.quarter {
            Quarter::Q1 => (fy - 1, 10),
            Quarter::Q2 => (fy, 1),
            Quarter::Q3 => (fy, 4),
            Quarter::Q4 => (fy, 7),
        }
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> NaiveDate {
        let (year, month) = self.first_month();
        date(year, month, 1)
    }

    /// The last day of the quarter (inclusive).
    pub fn last_day(self) -> NaiveDate {
        let (year, month) = self.first_month();
        let last_month = month + 2;
        // Quarters end in December, March, June or September.
        let days = if matches!(last_month, 12 | 3) { 31 } else { 30 };
        date(year, last_month, days)
    }

    /// Whether `date` falls in the quarter.
    pub fn contains(self, date: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&date)
    }

    /// The quarter as instants in `tz`: from the start of its first day
    /// (inclusive) to the start of the next quarter's first day (exclusive),
    /// so consecutive quarters share a boundary and every instant is in
    /// exactly one.
    pub fn bounds(self, tz: Tz) -> (DateTime<Tz>, DateTime<Tz>) {
        let (year, month) = self.first_month();
        let next_start = if month == 10 {
            date(year + 1, 1, 1)
        } else {
            date(year, month + 3, 1)
        };
        (
            start_of_day(tz, self.first_day()),
            start_of_day(tz, next_start),
        )
    }
}

/// A date of a fiscal year already validated to FY1977..=FY9999, built from
/// the fixed months and days above, so chrono can always represent it; the
/// fallback exists only to avoid a panic path, and a test walks every
/// supported year to show it is never taken.
fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}

impl fmt::Display for FiscalQuarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.fy, self.quarter())
    }
}

const FISCAL_YEAR_EXAMPLE: &str = "a fiscal year such as FY2027";
const FISCAL_QUARTER_EXAMPLE: &str = "a fiscal quarter such as FY2027Q1 (October to December 2026)";

/// Reads `FY` and four digits at the start of `input` (after trimming),
/// returning the fiscal year and the text after it.
fn parse_fiscal_year_prefix<'a>(
    input: &'a str,
    expected: &'static str,
) -> Result<(FiscalYear, &'a str), FiscalError> {
    let text = input.trim();
    let after_fy = text
        .get(..2)
        .filter(|prefix| prefix.eq_ignore_ascii_case("FY"))
        .and_then(|_| text.get(2..))
        .ok_or_else(|| FiscalError::Malformed {
            input: input.to_owned(),
            expected,
        })?;
    let digit_count = after_fy.bytes().take_while(u8::is_ascii_digit).count();
    let year = after_fy
        .split_at_checked(digit_count)
        .filter(|_| digit_count == 4)
        .and_then(|(digits, rest)| Some((digits.parse::<i32>().ok()?, rest)));
    let Some((year, rest)) = year else {
        return Err(FiscalError::YearNotFourDigits {
            input: input.to_owned(),
        });
    };
    Ok((FiscalYear::new(year)?, rest))
}

impl FromStr for FiscalYear {
    type Err = FiscalError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match parse_fiscal_year_prefix(input, FISCAL_YEAR_EXAMPLE)? {
            (fy, "") => Ok(fy),
            _ => Err(FiscalError::Malformed {
                input: input.to_owned(),
                expected: FISCAL_YEAR_EXAMPLE,
            }),
        }
    }
}

impl FromStr for FiscalQuarter {
    type Err = FiscalError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let (fy, rest) = parse_fiscal_year_prefix(input, FISCAL_QUARTER_EXAMPLE)?;
        let rest = rest.strip_prefix(['-', ' ']).unwrap_or(rest);
        let number = rest
            .strip_prefix(['Q', 'q'])
            .ok_or_else(|| FiscalError::Malformed {
                input: input.to_owned(),
                expected: FISCAL_QUARTER_EXAMPLE,
            })?;
        let quarter = match number {
            "1" => Quarter::Q1,
            "2" => Quarter::Q2,
            "3" => Quarter::Q3,
            "4" => Quarter::Q4,
            _ => {
                return Err(FiscalError::QuarterNotOneToFour {
                    input: input.to_owned(),
                });
            }
        };
        Ok(Self { fy, quarter })
    }
}

impl Serialize for FiscalYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for FiscalQuarter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FiscalYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for FiscalQuarter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::test_dates::day;
    use chrono_tz::America::New_York;

    fn quarter(text: &str) -> FiscalQuarter {
        text.parse().expect("test quarters are valid")
    }

    #[test]
    fn fy2027_q1_is_october_to_december_2026() {
        let q1 = quarter("FY2027Q1");
        assert_eq!(q1.first_day(), day(2026, 10, 1));
        assert_eq!(q1.last_day(), day(2026, 12, 31));
        assert_eq!(q1.fiscal_year().year(), 2027);
        assert_eq!(q1.quarter(), 1);
        assert_eq!(q1.to_string(), "FY2027 Q1");
    }

    #[test]
    fn quarters_have_their_months() {
        let days = |text| {
            let q = quarter(text);
            (q.first_day(), q.last_day())
        };
        assert_eq!(days("FY2027Q2"), (day(2027, 1, 1), day(2027, 3, 31)));
        assert_eq!(days("FY2027Q3"), (day(2027, 4, 1), day(2027, 6, 30)));
        assert_eq!(days("FY2027Q4"), (day(2027, 7, 1), day(2027, 9, 30)));
    }

    #[test]
    fn fiscal_year_runs_october_to_september() {
        let fy = FiscalYear::new(2027).expect("in range");
        assert_eq!(fy.first_day(), day(2026, 10, 1));
        assert_eq!(fy.end_date(), day(2027, 9, 30));
        assert!(fy.contains(day(2026, 10, 1)));
        assert!(fy.contains(day(2027, 9, 30)));
        assert!(!fy.contains(day(2026, 9, 30)));
        assert!(!fy.contains(day(2027, 10, 1)));
        assert_eq!(FiscalYear::of_date(day(2026, 10, 1)), Ok(fy));
        assert_eq!(FiscalYear::of_date(day(2027, 9, 30)), Ok(fy));
        assert_eq!(fy.to_string(), "FY2027");
    }

    #[test]
    fn accepted_spellings_all_mean_the_same_quarter() {
        let expected = quarter("FY2027Q1");
        for text in ["FY2027-Q1", "fy2027q1", "FY2027 Q1", " Fy2027q1 "] {
            assert_eq!(text.parse::<FiscalQuarter>(), Ok(expected), "{text}");
        }
        assert_eq!("fy2027".parse::<FiscalYear>(), FiscalYear::new(2027));
    }

    #[test]
    fn bad_quarters_say_what_is_wrong() {
        let message = |text: &str| {
            text.parse::<FiscalQuarter>()
                .map_err(|err| err.to_string())
                .err()
        };
        assert_eq!(
            message("FY2027Q5").as_deref(),
            Some("\"FY2027Q5\": the quarter must be 1-4, as in FY2027Q1")
        );
        assert_eq!(
            message("FY2027Q0").as_deref(),
            Some("\"FY2027Q0\": the quarter must be 1-4, as in FY2027Q1")
        );
        assert_eq!(
            message("FY2027Q").as_deref(),
            Some("\"FY2027Q\": the quarter must be 1-4, as in FY2027Q1")
        );
        assert_eq!(
            message("FY27Q1").as_deref(),
            Some("\"FY27Q1\": the fiscal year must be 4 digits, as in FY2027")
        );
        assert_eq!(
            message("FY20270Q1").as_deref(),
            Some("\"FY20270Q1\": the fiscal year must be 4 digits, as in FY2027")
        );
        assert_eq!(
            message("2027Q1").as_deref(),
            Some("\"2027Q1\" is not a fiscal quarter such as FY2027Q1 (October to December 2026)")
        );
        assert_eq!(
            message("FY2027").as_deref(),
            Some("\"FY2027\" is not a fiscal quarter such as FY2027Q1 (October to December 2026)")
        );
        assert_eq!(
            message("FY1976Q4").as_deref(),
            Some(
                "FY1976 is outside FY1977 to FY9999: before FY1977 the federal fiscal year \
                 began on 1 July"
            )
        );
        assert!(matches!(
            "FY2027Q01".parse::<FiscalQuarter>(),
            Err(FiscalError::QuarterNotOneToFour { .. })
        ));
        assert!(matches!(
            "FY2027Q1x".parse::<FiscalQuarter>(),
            Err(FiscalError::QuarterNotOneToFour { .. })
        ));
        assert!(matches!(
            "FY2027x".parse::<FiscalYear>(),
            Err(FiscalError::Malformed { .. })
        ));
    }

    #[test]
    fn quarter_numbers_outside_one_to_four_are_refused() {
        let fy = FiscalYear::new(2027).expect("in range");
        assert_eq!(
            FiscalQuarter::new(fy, 5),
            Err(FiscalError::QuarterNotOneToFour {
                input: "FY2027 Q5".to_owned()
            })
        );
        assert_eq!(FiscalQuarter::new(fy, 4).map(FiscalQuarter::quarter), Ok(4));
    }

    #[test]
    fn bounds_are_half_open_local_midnights() {
        let (start, end) = quarter("FY2027Q1").bounds(New_York);
        assert_eq!(start.to_rfc3339(), "2026-10-01T00:00:00-04:00");
        assert_eq!(end.to_rfc3339(), "2027-01-01T00:00:00-05:00");
        let (start, end) = FiscalYear::new(2027).expect("in range").bounds(New_York);
        assert_eq!(start.to_rfc3339(), "2026-10-01T00:00:00-04:00");
        assert_eq!(end.to_rfc3339(), "2027-10-01T00:00:00-04:00");
    }

    #[test]
    fn every_supported_year_has_real_dates() {
        // The date() fallback must never be taken: walk every fiscal year.
        for year in FIRST_OCTOBER_FISCAL_YEAR..=LAST_SUPPORTED_YEAR {
            let fy = FiscalYear::new(year).expect("in range");
            assert_eq!(fy.first_day(), day(year - 1, 10, 1));
            assert_eq!(fy.last_day(), day(year, 9, 30));
            let [q1, _, _, q4] = fy.quarters();
            assert_eq!(q1.first_day(), fy.first_day());
            assert_eq!(q4.last_day(), fy.last_day());
        }
        assert_eq!(
            FiscalYear::new(LAST_SUPPORTED_YEAR + 1),
            Err(FiscalError::YearOutOfRange { year: 10_000 })
        );
        assert_eq!(
            FiscalYear::of_date(day(1976, 9, 30)),
            Err(FiscalError::YearOutOfRange { year: 1976 })
        );
    }

    #[test]
    fn serializes_as_its_display_form_and_reads_back() {
        let q = quarter("fy2027-q3");
        let json = serde_json::to_string(&q).expect("serializes");
        assert_eq!(json, "\"FY2027 Q3\"");
        assert_eq!(serde_json::from_str::<FiscalQuarter>(&json).ok(), Some(q));
        let fy = q.fiscal_year();
        assert_eq!(
            serde_json::to_string(&fy).ok().as_deref(),
            Some("\"FY2027\"")
        );
        assert!(serde_json::from_str::<FiscalQuarter>("\"FY2027Q9\"").is_err());
    }
}

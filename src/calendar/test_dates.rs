//! Short date constructors for the calendar's unit tests.

use chrono::NaiveDate;

/// The date `y`-`m`-`d`; test dates are written by hand and always valid.
pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test dates are valid")
}

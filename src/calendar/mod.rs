//! Time as federal incident policy counts it: working days, US federal
//! holidays, fiscal quarters and time zones.
//!
//! Policy deadlines come in three units that disagree with each other:
//! elapsed hours ("report within one hour"), calendar days, and working days
//! ("investigate within three working days"). A [`Calendar`] gives each its
//! meaning in the ruleset's time zone, skipping weekends, observed federal
//! holidays ([`federal_holidays`]) and the ruleset's one-off closures, and
//! records which days it skipped so a deadline can be explained.
//!
//! Timestamps read from records go through [`resolve_local`], which refuses
//! local times that daylight saving makes nonexistent or ambiguous instead of
//! guessing. Audits select and label by federal fiscal quarter
//! ([`FiscalQuarter`]).
//!
//! Federal holidays are modeled from 1971 to 9999 ([`FIRST_SUPPORTED_YEAR`],
//! [`LAST_SUPPORTED_YEAR`]); working-day questions outside those years are
//! errors. Daylight-saving rules come from chrono-tz's copy of the IANA
//! database, which lists transitions only up to 2099: after that every zone
//! keeps the offset it had at the end of 2099 all year (standard time in
//! America/New_York).

mod duration;
mod error;
mod fiscal;
mod holidays;
mod local_time;
mod non_working;
#[cfg(test)]
mod test_dates;
mod working_days;

pub use error::{CalendarError, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR};
pub use fiscal::{FIRST_OCTOBER_FISCAL_YEAR, FiscalError, FiscalQuarter, FiscalYear};
pub use holidays::{Holiday, federal_holidays, observed_holiday};
pub use local_time::{ClockGap, LocalTimeError, resolve_local};
pub use non_working::NonWorkingReason;
pub use working_days::{Calendar, WorkingDayDue};

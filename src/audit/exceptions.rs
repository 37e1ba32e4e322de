//! Granted policy exceptions (USDA 2, "Policy Exception Requirements").
//!
//! Exceptions are granted only for implementation timeframes. Each one is
//! reported as a POA&M with a GPE notation until full compliance; interim
//! exceptions expire with the fiscal year (30 September), and one that runs
//! longer needs the approval of the USDA CIO. The input is a CSV with the
//! columns `agency, requirement, approved, approver` and optionally `id` and
//! `expires` (absent: the end of the fiscal year of approval).

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::calendar::{FiscalQuarter, FiscalYear};
use crate::input::lines::{LineIndex, describe_csv_error};
use crate::input::{InputError, Origin, Reject};
use crate::ruleset::model::ExceptionPolicy;

/// One granted exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// Its id (the row's `id`, or `FILE:LINE`).
    pub id: String,
    /// The agency it was granted to.
    pub agency: String,
    /// The requirement it relaxes.
    pub requirement: String,
    /// When it was approved.
    pub approved: NaiveDate,
    /// When it expires, as granted.
    pub expires: Option<NaiveDate>,
    /// Who approved it.
    pub approver: String,
    /// Where it was read.
    pub origin: Origin,
}

/// How an exception stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExceptionStatus {
    /// In force.
    Active,
    /// Past its expiry.
    Expired,
    /// Runs past the fiscal year without the approval it needs.
    UnapprovedExtension,
}

impl ExceptionStatus {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionStatus::Active => "active",
            ExceptionStatus::Expired => "expired",
            ExceptionStatus::UnapprovedExtension => "unapproved-extension",
        }
    }
}

/// An exception as the audit judges it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionFinding {
    /// The exception.
    pub exception: Exception,
    /// The last day of the fiscal year it was approved in.
    pub fiscal_year_end: NaiveDate,
    /// The day it actually expires under the policy.
    pub expiry: NaiveDate,
    /// Its most serious status.
    pub status: ExceptionStatus,
    /// Whether it is past its expiry.
    pub expired: bool,
    /// Every problem, in words.
    pub notes: Vec<String>,
}

impl ExceptionFinding {
    /// Whether it was in force at some time during a quarter.
    pub fn in_force_during(&self, quarter: FiscalQuarter) -> bool {
        self.exception.approved <= quarter.last_day() && self.expiry >= quarter.first_day()
    }
}

/// Judges every exception as of `today`.
pub fn evaluate(
    policy: &ExceptionPolicy,
    exceptions: &[Exception],
    today: NaiveDate,
) -> Vec<ExceptionFinding> {
    exceptions
        .iter()
        .filter_map(|exception| {
            let fiscal_year_end = FiscalYear::of_date(exception.approved).ok()?.end_date();
            let mut notes = Vec::new();
            let mut status = ExceptionStatus::Active;
            let mut expiry = exception.expires.unwrap_or(fiscal_year_end);
            if policy.expires_at_fiscal_year_end && expiry > fiscal_year_end {
                let approver = policy.extension_approver.as_deref().unwrap_or("the CIO");
                if exception.approver.trim().eq_ignore_ascii_case(approver) {
                    notes.push(format!("extended past the fiscal year (ending {fiscal_year_end}) to {expiry}, approved by {approver}"));
                } else {
                    notes.push(format!(
                        "extended past the fiscal year (ending {fiscal_year_end}) to {expiry} without the approval of {approver} (approved by {}); it expired with the fiscal year",
                        exception.approver
                    ));
                    status = ExceptionStatus::UnapprovedExtension;
                    expiry = fiscal_year_end;
                }
            }
            let expired = today > expiry;
            if expired {
                notes.push(format!("expired on {expiry}"));
                status = status.max(ExceptionStatus::Expired);
            }
            Some(ExceptionFinding { exception: exception.clone(), fiscal_year_end, expiry, status, expired, notes })
        })
        .collect()
}

/// Reads an exceptions CSV; unusable rows come back as rejects.
pub fn read(path: &Path) -> Result<(Vec<Exception>, Vec<Reject>), InputError> {
    let name = Origin::input_name(path);
    let bytes = std::fs::read(path).map_err(|source| InputError::Io {
        path: name.to_string(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(LineIndex::new(
            bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes),
        ));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| InputError::Format {
            path: name.to_string(),
            message: format!("cannot read the header row: {e}"),
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let required = ["agency", "requirement", "approved", "approver"];
    if let Some(missing) = required.iter().find(|c| column(c).is_none()) {
        return Err(InputError::Format {
            path: name.to_string(),
            message: format!(
                "line 1: the exceptions file needs a `{missing}` column (columns: id, agency, requirement, approved, expires, approver)"
            ),
        });
    }
    let (mut out, mut rejects) = (Vec::new(), Vec::new());
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = reader.get_mut().line_of(e.position());
                rejects.push(Reject {
                    origin: Origin {
                        input: Arc::clone(&name),
                        line,
                    },
                    reason: describe_csv_error(&e, &header),
                    raw: String::new(),
                });
                continue;
            }
        };
        let origin = Origin {
            input: Arc::clone(&name),
            line: reader.get_mut().line_of(record.position()),
        };
        let cell = |c: &str| {
            column(c)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let date = |c: &str| -> Result<Option<NaiveDate>, String> {
            cell(c)
                .map(|t| {
                    NaiveDate::parse_from_str(t, "%Y-%m-%d")
                        .map_err(|_| format!("`{c}`: `{t}` is not a date (YYYY-MM-DD)"))
                })
                .transpose()
        };
        let parsed = (|| -> Result<Exception, String> {
            let approved = date("approved")?.ok_or("no `approved` date")?;
            Ok(Exception {
                id: cell("id").map_or_else(|| origin.to_string(), str::to_owned),
                agency: cell("agency").ok_or("no `agency`")?.to_owned(),
                requirement: cell("requirement").ok_or("no `requirement`")?.to_owned(),
                approved,
                expires: date("expires")?,
                approver: cell("approver").ok_or("no `approver`")?.to_owned(),
                origin: origin.clone(),
            })
        })();
        match parsed {
            Ok(exception) => out.push(exception),
            Err(reason) => rejects.push(Reject {
                origin,
                reason,
                raw: record.iter().collect::<Vec<_>>().join(","),
            }),
        }
    }
    Ok((out, rejects))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ExceptionPolicy {
        ExceptionPolicy {
            citation: crate::source::Spanned::new("USDA 2".into(), crate::source::Span::default()),
            poam: true,
            notation: Some("GPE".into()),
            expires_at_fiscal_year_end: true,
            extension_approver: Some("USDA CIO".into()),
        }
    }

    fn exception(approved: &str, expires: Option<&str>, approver: &str) -> Exception {
        Exception {
            id: "X-1".into(),
            agency: "FS".into(),
            requirement: "disconnect within 12 hours".into(),
            approved: approved.parse().unwrap(),
            expires: expires.map(|e| e.parse().unwrap()),
            approver: approver.into(),
            origin: Origin {
                input: Arc::from("x.csv"),
                line: 2,
            },
        }
    }

    fn judge(e: Exception, today: &str) -> ExceptionFinding {
        evaluate(&policy(), &[e], today.parse().unwrap()).remove(0)
    }

    #[test]
    fn interim_exceptions_expire_with_the_fiscal_year() {
        let f = judge(exception("2026-11-02", None, "ACIO CS"), "2027-09-30");
        assert_eq!(f.expiry.to_string(), "2027-09-30");
        assert_eq!(f.status, ExceptionStatus::Active);
        let f = judge(exception("2026-11-02", None, "ACIO CS"), "2027-10-01");
        assert_eq!(f.status, ExceptionStatus::Expired);
    }

    #[test]
    fn extensions_past_the_fiscal_year_need_the_cio() {
        let f = judge(
            exception("2026-11-02", Some("2028-03-31"), "ACIO CS"),
            "2027-01-15",
        );
        assert_eq!(f.status, ExceptionStatus::UnapprovedExtension);
        assert_eq!(f.expiry.to_string(), "2027-09-30");
        let f = judge(
            exception("2026-11-02", Some("2028-03-31"), "USDA CIO"),
            "2027-12-01",
        );
        assert_eq!(f.status, ExceptionStatus::Active);
        assert_eq!(f.expiry.to_string(), "2028-03-31");
    }
}

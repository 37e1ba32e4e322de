//! Rule tests: the cases a ruleset carries, run against its own rules.
//!
//! Policy writers change rules through reviews; a rule test pins down what a
//! rule must do — this record is high and declared, this incident's 15-day
//! deadline is breached — so that a change which alters the outcome fails
//! loudly, naming the case and the line it is written on. A case is a
//! record (classified as `docket classify` would) or a short incident
//! history (audited as `docket audit` would), with the outcome expected.
//!
//! Cases written under a criterion, trigger or deadline expect that rule to
//! decide; [`coverage`] then asks whether every rule is decided by some
//! passing case and every threshold is tested just below, at and just above.

mod case;
pub mod coverage;
pub mod report;

use std::sync::Arc;

use crate::allocation::AllocationTable;
use crate::audit::Auditor;
use crate::classify::Classifier;
use crate::ruleset::Ruleset;
use crate::ruleset::model::{RuleRef, TestCase};
use crate::source::Span;

pub use case::{Actual, Mismatch};

/// How one case went.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Every expectation held.
    Pass,
    /// Some did not: what was expected and what came out.
    Fail(Vec<Mismatch>),
    /// The case could not be run (a value its field cannot hold).
    Error(String),
}

/// One case and how it went.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// Position of the case in [`Ruleset::tests`].
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// How it went.
    pub verdict: Verdict,
    /// What came out, when it ran.
    pub actual: Option<Actual>,
    /// The rules this case decided and checked: what coverage counts.
    pub decided: Vec<RuleRef>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Pass
    }
}

/// The results of a run, in the order the cases are written.
#[derive(Clone, Debug, Default)]
pub struct TestRun {
    /// One result per case run.
    pub results: Vec<CaseResult>,
    /// Cases left out by the name filter.
    pub filtered_out: usize,
}

impl TestRun {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// How many cases failed or could not run.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Runs every case of `ruleset` whose name contains `filter` (ignoring
/// case; every case when `None`).
///
/// Records are classified with the ruleset's allocation table when one is
/// given, so a case may test the agency an address resolves to.
pub fn run(
    ruleset: &Ruleset,
    allocations: Option<Arc<AllocationTable>>,
    filter: Option<&str>,
) -> TestRun {
    let auditor = Auditor::new(ruleset, allocations);
    let classifier = auditor.classifier();
    let filter = filter.map(str::to_lowercase);
    let mut run = TestRun::default();
    for (index, test) in ruleset.tests.iter().enumerate() {
        if filter
            .as_deref()
            .is_some_and(|f| !test.name.value.to_lowercase().contains(f))
        {
            run.filtered_out += 1;
            continue;
        }
        run.results.push(run_one(classifier, &auditor, index, test));
    }
    run
}

fn run_one(
    classifier: &Classifier<'_>,
    auditor: &Auditor<'_>,
    index: usize,
    test: &TestCase,
) -> CaseResult {
    let (verdict, actual, decided) = match case::execute(classifier, auditor, test) {
        Ok(actual) => {
            let mismatches = case::compare(classifier.ruleset(), test, &actual);
            let decided = case::decided(test, &actual);
            let verdict = if mismatches.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(mismatches)
            };
            (verdict, Some(actual), decided)
        }
        Err(message) => (Verdict::Error(message), None, Vec::new()),
    };
    CaseResult {
        index,
        name: test.name.value.clone(),
        span: test.name.span,
        verdict,
        actual,
        decided,
    }
}

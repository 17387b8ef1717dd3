//! The analysis layer: rules over the index, and the findings they report.

pub mod diagnostic;
pub mod rule;

pub use diagnostic::{Finding, Location, Related, Severity};
pub use rule::{doc_url, RuleMeta};

//! The analysis layer: rules over the index, and the findings they report.

pub mod diagnostic;

pub use diagnostic::{Finding, Location, Related, Severity};

//! One module per feed format. Each takes the feed's text and returns a [`crate::feed::Loaded`]:
//! the indicators, and every record it could not use with its line and reason.

pub mod hosts;
pub mod list;
pub mod quoted_csv;
pub mod stix;
pub mod threatfox;
pub mod urlhaus;

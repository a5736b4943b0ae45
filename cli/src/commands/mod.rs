//! One module per subcommand.

pub mod demo;
pub mod detect;
pub mod dga;
pub mod features;
pub mod home;
pub mod ingest;
pub mod intel;
pub mod report;
pub mod sql;
pub mod stream;
pub mod tables;
pub mod typo;

//! One module per subcommand.

pub mod dga;
pub mod features;
pub mod home;
pub mod intel;
pub mod typo;

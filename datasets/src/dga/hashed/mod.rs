//! DGA families whose names are hex or alphabet-mapped output of a hash of a seed and the date.

use super::Family;

/// The families of this style.
pub const FAMILIES: &[&dyn Family] = &[];

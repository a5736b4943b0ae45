//! DGA families that glue words from a list together.

use super::Family;

/// The families of this style.
pub const FAMILIES: &[&dyn Family] = &[];

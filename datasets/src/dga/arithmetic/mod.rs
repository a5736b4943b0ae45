//! DGA families whose characters come from a linear congruential or other arithmetic generator.

use super::Family;

/// The families of this style.
pub const FAMILIES: &[&dyn Family] = &[];

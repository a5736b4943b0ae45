//! DGA families whose characters come from a linear congruential or other arithmetic generator.

use super::Family;

pub mod banjori;
pub mod corebot;
pub mod dircrypt;
pub mod kraken;
pub mod locky;
pub mod necurs;
pub mod pykspa;
pub mod ramdo;
pub mod ramnit;
pub mod simda;
pub mod tinba;
pub mod vawtrak;

/// The families of this style.
pub const FAMILIES: &[&dyn Family] = &[
    &banjori::Banjori,
    &corebot::Corebot,
    &dircrypt::Dircrypt,
    &kraken::Kraken,
    &locky::Locky,
    &necurs::Necurs,
    &pykspa::Pykspa,
    &ramdo::Ramdo,
    &ramnit::Ramnit,
    &simda::Simda,
    &tinba::Tinba,
    &vawtrak::Vawtrak,
];

/// The Park–Miller "minimal standard" generator (multiplier 16807, Schrage's decomposition) as
/// Dircrypt and Ramnit run it: 32-bit state, the subtraction wrapping instead of adding the
/// modulus back.
struct ParkMiller {
    state: u32,
}

impl ParkMiller {
    fn new(state: u32) -> Self {
        Self { state }
    }

    /// Advances the state and returns it reduced modulo `modulus` (which must be non-zero).
    fn next_below(&mut self, modulus: u32) -> u32 {
        let low = 16_807 * (self.state % 127_773);
        let high = 2_836 * (self.state / 127_773);
        self.state = low.wrapping_sub(high);
        self.state % modulus.max(1)
    }
}

/// `b'a' + offset` as a character, for offsets already reduced below 26.
fn letter(offset: u32) -> char {
    char::from(b'a' + (offset % 26) as u8)
}

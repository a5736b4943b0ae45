//! DGA families whose characters come from a linear congruential or other arithmetic generator.

use super::Family;

pub mod banjori;
pub mod bumblebee;
pub mod corebot;
pub mod dircrypt;
pub mod dnschanger;
pub mod fobber;
pub mod kraken;
pub mod locky;
pub mod m0yv;
pub mod mydoom;
pub mod necurs;
pub mod ngioweb;
pub mod nymaim;
pub mod pykspa;
pub mod qadars;
pub mod ramdo;
pub mod ramnit;
pub mod ranbyus;
pub mod shiotob;
pub mod simda;
pub mod symmi;
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
    &dnschanger::DnsChanger,
    &fobber::Fobber,
    &mydoom::Mydoom,
    &nymaim::Nymaim,
    &qadars::Qadars,
    &ranbyus::Ranbyus,
    &shiotob::Shiotob,
    &symmi::Symmi,
    &ngioweb::Ngioweb,
    &m0yv::M0yv,
    &bumblebee::Bumblebee,
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

/// The linear congruential generator of Microsoft's C runtime `rand()` (multiplier 214013,
/// increment 2531011, 15-bit outputs taken from bits 16–30), which Symmi, DNS Changer and m0yv
/// call.
struct MsvcRand {
    state: u32,
}

impl MsvcRand {
    fn new(state: u32) -> Self {
        Self { state }
    }

    /// Advances the state and returns the next value in `0..=0x7fff`.
    fn next(&mut self) -> u32 {
        self.state = self.state.wrapping_mul(214_013).wrapping_add(2_531_011);
        (self.state >> 16) & 0x7fff
    }
}

/// `b'a' + offset` as a character, for offsets already reduced below 26.
fn letter(offset: u32) -> char {
    char::from(b'a' + (offset % 26) as u8)
}

//! DGA families whose names are hex or alphabet-mapped output of a hash of a seed and the date.

use super::Family;

pub mod digest;
pub mod dyre;
pub mod murofet;
pub mod newgoz;
pub mod padcrypt;
pub mod proslikefan;
pub mod pushdo;
pub mod qakbot;
pub mod sharkbot;
pub mod sisron;
pub mod tufik;

/// The families of this style.
pub const FAMILIES: &[&dyn Family] = &[
    &murofet::Murofet,
    &newgoz::NewGoz,
    &dyre::Dyre,
    &padcrypt::PadCrypt,
    &sisron::Sisron,
    &qakbot::Qakbot,
    &pushdo::Pushdo,
    &proslikefan::Proslikefan,
    &tufik::Tufik,
    &sharkbot::SharkBot,
];

//! The traffic generator's random numbers: splitmix64, seeded per stream.
//!
//! Only integer arithmetic and the IEEE operations `+ - * /` and `sqrt` are used (no `exp`, `ln`
//! or `cos`, whose last bits differ between maths libraries), so one seed gives the same bytes on
//! every platform.

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast, full period for every seed.
#[derive(Debug, Clone)]
pub(super) struct Rng {
    state: u64,
}

impl Rng {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// A generator for `seed` and a stream: `stream` names what it is for (`"plan"`), `index`
    /// numbers the instance (the minute, say), so streams never share a sequence.
    pub(super) fn new(seed: u64, stream: &str, index: u64) -> Self {
        let salt = stream
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
            });
        let mut rng = Self { state: salt };
        for part in [seed, index] {
            rng.state ^= part;
            rng.state = rng.next_u64();
        }
        rng
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        mix(self.state)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift); 0 when `n` is 0.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `min..=max`; `min` when `max < min`.
    pub(super) fn between(&mut self, min: u64, max: u64) -> u64 {
        min + self.below(max.saturating_sub(min) + 1)
    }

    /// Uniform in `0..span` microseconds (or any signed span); 0 when `span` is not positive.
    pub(super) fn offset(&mut self, span: i64) -> i64 {
        u64::try_from(span)
            .ok()
            .and_then(|span| i64::try_from(self.below(span)).ok())
            .unwrap_or(0)
    }

    /// Uniform in `min..=max` (signed); `min` when `max < min`.
    pub(super) fn offset_between(&mut self, min: i64, max: i64) -> i64 {
        min + self.offset(max.saturating_sub(min).saturating_add(1))
    }

    /// Uniform in `[0, 1)`, with 53 random bits.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// True with probability `p`.
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A count with mean `mean` and Poisson-like spread: the mean plus `sqrt(mean)` times an
    /// Irwin-Hall normal deviate (sum of twelve uniforms minus six), rounded, never negative.
    pub(super) fn count_around(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        let deviate: f64 = (0..12).map(|_| self.unit()).sum::<f64>() - 6.0;
        (mean + mean.sqrt() * deviate).round().max(0.0) as u64
    }
}

/// The splitmix64 output function, also used to spread a hash over all 64 bits.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable, well-mixed 64-bit hash of a name (FNV-1a, then [`mix`]): fixes per-name facts
/// such as a host's addresses and TTL.
pub(super) fn hash_name(name: &str) -> u64 {
    mix(name.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(1, "x", 0).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::new(1, "x", 0).next_u64(),
            Rng::new(1, "x", 1).next_u64()
        );
        assert_ne!(
            Rng::new(1, "x", 0).next_u64(),
            Rng::new(1, "y", 0).next_u64()
        );
        assert_ne!(
            Rng::new(1, "x", 0).next_u64(),
            Rng::new(2, "x", 0).next_u64()
        );
    }

    #[test]
    fn ranges_and_counts() {
        let mut rng = Rng::new(7, "test", 0);
        for _ in 0..1000 {
            assert!((3..=9).contains(&rng.between(3, 9)));
            assert!(rng.below(5) < 5);
            assert!((0.0..1.0).contains(&rng.unit()));
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.count_around(0.0), 0);
        let total: u64 = (0..2000).map(|_| rng.count_around(50.0)).sum();
        let mean = total as f64 / 2000.0;
        assert!((48.0..52.0).contains(&mean), "{mean}");
    }
}

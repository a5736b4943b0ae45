//! A bitmap over address blocks that proves, with one cache-resident read, that no address or
//! long-prefix network indicator lies in a query's block, so the per-prefix tables are skipped.
//!
//! IPv4 blocks are the /24s (2^24 bits, 2 MiB, set only when the index holds IPv4 indicators);
//! IPv6 blocks are the /48s, hashed into 16 bits per indicator. A set bit only means "look":
//! the tables decide.

/// One bit per address block.
#[derive(Debug, Default)]
pub(crate) struct BlockFilter {
    bits: Vec<u64>,
}

impl BlockFilter {
    /// A filter of `2^log2_bits` bits, all clear.
    pub fn new(log2_bits: u32) -> Self {
        Self {
            bits: vec![0; (1_usize << log2_bits).div_ceil(64)],
        }
    }

    /// Number of bits (a power of two), 0 for the default filter.
    pub fn len(&self) -> usize {
        self.bits.len() * 64
    }

    /// Sets the bit of `block` (taken modulo the size).
    pub fn set(&mut self, block: usize) {
        let block = block & (self.len() - 1);
        self.bits[block / 64] |= 1 << (block % 64);
    }

    /// Whether the bit of `block` is set; `false` for the default filter.
    pub fn contains(&self, block: usize) -> bool {
        if self.bits.is_empty() {
            return false;
        }
        let block = block & (self.len() - 1);
        self.bits[block / 64] & (1 << (block % 64)) != 0
    }
}

/// Shortest IPv4 prefix the filter covers: a /16 sets 256 bits; shorter networks are probed
/// for every query instead.
pub(crate) const V4_COVERED_PREFIX: u8 = 16;
/// Shortest IPv6 prefix the filter covers (one /48 bit); shorter networks are always probed.
pub(crate) const V6_COVERED_PREFIX: u8 = 48;

/// The /24 block of an IPv4 address.
pub(crate) fn v4_block(bits: u32) -> usize {
    (bits >> 8) as usize
}

/// The hashed /48 block of an IPv6 address (Fibonacci hashing of the top 48 bits).
pub(crate) fn v6_block(bits: u128) -> usize {
    let top = (bits >> 80) as u64;
    (top.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_bits_are_found_and_others_are_not() {
        let mut filter = BlockFilter::new(10);
        assert_eq!(filter.len(), 1024);
        filter.set(3);
        filter.set(1024 + 700);
        assert!(filter.contains(3) && filter.contains(700) && filter.contains(1027));
        assert!(!filter.contains(4) && !filter.contains(699));
        assert!(!BlockFilter::default().contains(3));
    }
}

//! Domain indicators by the key of their domain label: the one probe a name needs.
//!
//! Every indicator a name can match shares the name's domain label: an exact or parent match has
//! the name's registered domain (parents stop there), and a cross-suffix match has its label by
//! definition. So one probe by label key finds every candidate, and a candidate's name key and
//! registered-domain key, kept beside it, settle the kind without touching other memory.
//!
//! The table is open addressing with linear probing over 32-byte slots aligned to 32 bytes, so a
//! slot never straddles two cache lines; the first posting of a label lives in its slot, so the
//! common case (one indicator per label) costs one cache line, hit or miss. Labels with more
//! indicators keep them in an overflow entry, arranged so that neither lookup walks them all: a
//! feed may list thousands of hosts of one domain (URLhaus lists a host once per URL). Keys are
//! keyed hashes (SipHash with random keys), so their low bits place slots evenly and cannot be
//! aimed at one slot by a feed.

use crate::index::CROSS_SUFFIX_LEADS_PER_DOMAIN;

/// One domain indicator, as the matcher needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Posting {
    /// Key of the indicator's name.
    pub name: u64,
    /// Key of its registered domain.
    pub registered: u64,
    /// The indicator.
    pub id: u32,
    /// Length of its name in bytes (names are at most 253).
    pub len: u16,
    /// Its confidence, 100 when the feed gives none.
    pub confidence: u8,
    /// [`CROSS_SUFFIX`], and in a slot [`OCCUPIED`] and [`MANY`].
    pub flags: u8,
}

/// The label passes the cross-suffix rule.
pub(crate) const CROSS_SUFFIX: u8 = 1;
/// The slot holds a label.
const OCCUPIED: u8 = 2;
/// The label has several postings: `id` is the index of their overflow list.
const MANY: u8 = 4;

#[derive(Debug, Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    label: u64,
    first: Posting,
}

/// The postings of a label with several.
#[derive(Debug, Default)]
struct Many {
    /// By registered domain, then name, then load order: a name's exact and parent candidates
    /// are a binary search away.
    by_name: Vec<Posting>,
    /// Those that pass the cross-suffix rule, in load order, at most
    /// [`CROSS_SUFFIX_LEADS_PER_DOMAIN`] per registered domain.
    leads: Vec<Posting>,
}

/// What a name's label finds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Candidates<'a> {
    /// Sorted by registered domain, then name, then load order.
    pub by_name: &'a [Posting],
    /// Cross-suffix candidates in load order (check the flag and the registered domain).
    pub leads: &'a [Posting],
}

/// Postings by label key.
#[derive(Debug, Default)]
pub(crate) struct LabelTable {
    slots: Vec<Slot>,
    overflow: Vec<Many>,
}

impl LabelTable {
    /// A table of `(label key, posting)` pairs; postings of one label keep their order.
    pub fn new(entries: &[(u64, Posting)]) -> Self {
        // At most two thirds full: a miss then reads about three slots, mostly one cache line.
        let capacity = (entries.len() + entries.len() / 2 + 1).next_power_of_two();
        let mut table = Self {
            slots: vec![Slot::default(); capacity],
            overflow: Vec::new(),
        };
        let mut lists: Vec<Vec<Posting>> = Vec::new();
        for &(label, posting) in entries {
            table.insert(label, posting, &mut lists);
        }
        table.overflow = lists.into_iter().map(Many::new).collect();
        table
    }

    fn insert(&mut self, label: u64, mut posting: Posting, lists: &mut Vec<Vec<Posting>>) {
        posting.flags &= CROSS_SUFFIX;
        let at = self.find(label);
        let slot = &mut self.slots[at];
        if slot.first.flags & OCCUPIED == 0 {
            slot.label = label;
            slot.first = posting;
            slot.first.flags |= OCCUPIED;
        } else if slot.first.flags & MANY == 0 {
            let mut first = slot.first;
            first.flags &= CROSS_SUFFIX;
            slot.first.id = lists.len() as u32;
            slot.first.flags |= MANY;
            lists.push(vec![first, posting]);
        } else {
            lists[slot.first.id as usize].push(posting);
        }
    }

    /// The slot holding `label`, or the empty slot where it would go.
    fn find(&self, label: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = label as usize & mask;
        loop {
            let slot = &self.slots[at];
            if slot.first.flags & OCCUPIED == 0 || slot.label == label {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// The postings of `label` (none when it is not in the table).
    pub fn get(&self, label: u64) -> Candidates<'_> {
        if self.slots.is_empty() {
            return Candidates::default();
        }
        let slot = &self.slots[self.find(label)];
        if slot.first.flags & OCCUPIED == 0 {
            Candidates::default()
        } else if slot.first.flags & MANY == 0 {
            let only = std::slice::from_ref(&slot.first);
            Candidates {
                by_name: only,
                leads: only,
            }
        } else {
            let many = &self.overflow[slot.first.id as usize];
            Candidates {
                by_name: &many.by_name,
                leads: &many.leads,
            }
        }
    }

    /// Whether the table holds no label.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

impl Many {
    fn new(in_load_order: Vec<Posting>) -> Self {
        let mut per_domain = std::collections::HashMap::<u64, usize>::new();
        let leads = in_load_order
            .iter()
            .filter(|p| p.flags & CROSS_SUFFIX != 0)
            .filter(|p| {
                let kept = per_domain.entry(p.registered).or_default();
                *kept += 1;
                *kept <= CROSS_SUFFIX_LEADS_PER_DOMAIN
            })
            .copied()
            .collect();
        let mut by_name = in_load_order;
        by_name.sort_by_key(|p| (p.registered, p.name, p.id));
        Self { by_name, leads }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(id: u32) -> Posting {
        Posting {
            name: u64::from(id) * 7,
            registered: u64::from(id) * 11,
            id,
            len: 10,
            confidence: 100,
            flags: CROSS_SUFFIX,
        }
    }

    #[test]
    fn finds_every_posting_of_a_label_in_order() {
        // Labels 1 and 9 share a home slot in a table of 8 slots: probing must tell them apart.
        let entries = [
            (1, posting(0)),
            (9, posting(1)),
            (1, posting(2)),
            (1, posting(3)),
        ];
        let table = LabelTable::new(&entries);
        let ids = |label| -> Vec<u32> { table.get(label).leads.iter().map(|p| p.id).collect() };
        assert_eq!(ids(1), [0, 2, 3]);
        assert_eq!(ids(9), [1]);
        assert!(ids(17).is_empty());
        assert!(ids(2).is_empty());
        assert!(
            table
                .get(9)
                .by_name
                .iter()
                .all(|p| p.name == 7 && p.registered == 11 && p.len == 10)
        );
        assert!(
            table
                .get(1)
                .leads
                .iter()
                .all(|p| p.flags & CROSS_SUFFIX != 0)
        );
        assert!(LabelTable::new(&[]).get(1).by_name.is_empty());
        assert!(LabelTable::default().get(1).leads.is_empty());
    }

    #[test]
    fn many_hosts_of_one_domain_sort_by_name_and_give_few_leads() {
        let mut entries = Vec::new();
        for id in 0..100_u32 {
            let mut p = posting(id);
            p.registered = 5;
            p.name = u64::from(100 - id % 10);
            entries.push((1, p));
        }
        entries.push((1, posting(100)));
        let table = LabelTable::new(&entries);
        let found = table.get(1);
        assert_eq!(found.by_name.len(), 101);
        assert!(
            found
                .by_name
                .is_sorted_by_key(|p| (p.registered, p.name, p.id))
        );
        let leads: Vec<u32> = found.leads.iter().map(|p| p.id).collect();
        assert_eq!(leads, [0, 1, 2, 3, 4, 5, 6, 7, 100]);
    }

    #[test]
    fn slots_fill_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<Slot>(), 32);
        assert_eq!(std::mem::align_of::<Slot>(), 32);
    }
}

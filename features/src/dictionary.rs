//! English word coverage of a label, by segmentation against a word list.
//!
//! People name things with words (`weatherforecast`, `my-bank`); most DGAs do not, and the ones that
//! do (word-list DGAs) cover their labels with words completely, which is itself a signal when read
//! together with the n-gram score. The word list is `features/data/english_words.txt` (from
//! Debian's `wamerican`, words of three letters or more), held as a minimal word graph: a trie with
//! equal subtrees merged.

use std::collections::HashMap;

use crate::FeaturesError;

/// Words shorter than this are ignored: almost any random string contains two-letter words.
pub const MIN_WORD_LEN: usize = 3;
const IS_WORD: u32 = 1 << 26;
const LETTERS: u32 = IS_WORD - 1;

/// A node record: bit `c` of `mask` is set when letter `c` has a child, bit 26 when a word ends here.
/// Children sit together from `first`, in letter order, so a child is found with one popcount.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    mask: u32,
    first: u32,
}

/// A word list as a minimal word graph over `a`–`z`.
#[derive(Debug, Clone)]
pub struct Dictionary {
    nodes: Vec<Node>,
    /// The node reached by each three-letter prefix (`NO_NODE` if none): a walk starts three
    /// levels down with one load, and most starts in a random label end right there.
    by_prefix: Vec<u32>,
    words: usize,
}

const NO_NODE: u32 = u32::MAX;

/// What the dictionary says about one label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// Share of the label's characters covered by the best non-overlapping choice of words.
    pub covered_ratio: f64,
    /// Length of the longest word anywhere in the label, over the label length.
    pub longest_word_ratio: f64,
}

impl Dictionary {
    /// Builds the word graph from a word list, one word a line; `#` lines, words with characters other
    /// than `a`–`z` and words shorter than [`MIN_WORD_LEN`] are skipped.
    pub fn from_word_list(text: &str) -> Result<Self, FeaturesError> {
        // Build with one dense child table per node, then lay the nodes out compactly.
        let mut dense: Vec<([u32; 26], bool)> = vec![([0; 26], false)];
        let mut words = 0;
        for word in text.lines().map(str::trim) {
            if word.starts_with('#')
                || word.len() < MIN_WORD_LEN
                || !word.bytes().all(|b| b.is_ascii_lowercase())
            {
                continue;
            }
            let mut node = 0;
            for byte in word.bytes() {
                let letter = usize::from(byte - b'a');
                if dense[node].0[letter] == 0 {
                    dense[node].0[letter] = dense.len() as u32;
                    dense.push(([0; 26], false));
                }
                node = dense[node].0[letter] as usize;
            }
            words += usize::from(!dense[node].1);
            dense[node].1 = true;
        }
        if words == 0 {
            return Err(FeaturesError::Data {
                file: "english_words.txt",
                line: 0,
                reason: "the word list has no usable words".to_owned(),
            });
        }
        let mut dictionary = Self {
            nodes: compact(&dense),
            by_prefix: Vec::new(),
            words,
        };
        dictionary.by_prefix = (0..26 * 26 * 26)
            .map(|at: usize| {
                let prefix = [at / 676, at / 26 % 26, at % 26].map(|letter| b'a' + letter as u8);
                dictionary.walk(&prefix).map_or(NO_NODE, |node| node as u32)
            })
            .collect();
        Ok(dictionary)
    }

    /// Number of words in the list.
    pub fn len(&self) -> usize {
        self.words
    }

    /// Whether the list holds no word.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    fn child(&self, node: usize, byte: u8) -> Option<usize> {
        if !byte.is_ascii_lowercase() {
            return None;
        }
        let bit = 1u32 << (byte - b'a');
        let Node { mask, first } = self.nodes[node];
        (mask & bit != 0).then(|| (first + (mask & (bit - 1) & LETTERS).count_ones()) as usize)
    }

    /// The node reached by spelling `prefix` from the root.
    fn walk(&self, prefix: &[u8]) -> Option<usize> {
        prefix
            .iter()
            .try_fold(0, |node, &byte| self.child(node, byte))
    }

    /// Whether `word` is in the list.
    pub fn contains(&self, word: &str) -> bool {
        word.len() >= MIN_WORD_LEN
            && self
                .walk(word.as_bytes())
                .is_some_and(|node| self.nodes[node].mask & IS_WORD != 0)
    }

    /// Coverage of a label of at most 63 bytes (longer input is cut there).
    pub fn coverage(&self, label: &[u8]) -> Coverage {
        let label = &label[..label.len().min(crate::MAX_LABEL_LEN)];
        if label.is_empty() {
            return Coverage {
                covered_ratio: 0.0,
                longest_word_ratio: 0.0,
            };
        }
        // best[i]: most characters of label[..i] that words can cover without overlapping.
        let mut best = [0u8; crate::MAX_LABEL_LEN + 1];
        let mut longest = 0;
        for start in 0..label.len() {
            best[start + 1] = best[start + 1].max(best[start]);
            let Some(mut node) = self.prefix_node(&label[start..]) else {
                continue;
            };
            let mut end = start + MIN_WORD_LEN;
            loop {
                if self.nodes[node].mask & IS_WORD != 0 {
                    let len = end - start;
                    best[end] = best[end].max(best[start] + len as u8);
                    longest = longest.max(len);
                }
                match label.get(end).and_then(|&byte| self.child(node, byte)) {
                    Some(next) => (node, end) = (next, end + 1),
                    None => break,
                }
            }
        }
        let n = label.len() as f64;
        Coverage {
            covered_ratio: f64::from(best[label.len()]) / n,
            longest_word_ratio: longest as f64 / n,
        }
    }

    /// Calls `visit(start, end)` for every word `label[start..end]` of the list, by start, then
    /// end (at most the first 63 bytes are read).
    pub fn for_each_word(&self, label: &[u8], mut visit: impl FnMut(usize, usize)) {
        let label = &label[..label.len().min(crate::MAX_LABEL_LEN)];
        for start in 0..label.len() {
            let Some(mut node) = self.prefix_node(&label[start..]) else {
                continue;
            };
            let mut end = start + MIN_WORD_LEN;
            loop {
                if self.nodes[node].mask & IS_WORD != 0 {
                    visit(start, end);
                }
                match label.get(end).and_then(|&byte| self.child(node, byte)) {
                    Some(next) => (node, end) = (next, end + 1),
                    None => break,
                }
            }
        }
    }

    /// The node of the first three letters of `text`, if some word starts with them.
    fn prefix_node(&self, text: &[u8]) -> Option<usize> {
        let prefix = text.get(..MIN_WORD_LEN)?;
        if !prefix.iter().all(u8::is_ascii_lowercase) {
            return None;
        }
        let at = prefix
            .iter()
            .fold(0, |at, &byte| at * 26 + usize::from(byte - b'a'));
        let node = self.by_prefix[at];
        (node != NO_NODE).then_some(node as usize)
    }
}

/// Merges equal subtrees of a dense trie (making it a minimal word graph: `-ing` and `-ness`
/// endings are stored once, not once per stem) and lays it out compactly.
///
/// Every graph node gets one block holding a copy of each child's record, in letter order; a
/// record points at its node's own block. The root's record is at index 0. About 60% fewer
/// records than a trie, so the hot part stays in the processor's cache.
fn compact(dense: &[([u32; 26], bool)]) -> Vec<Node> {
    // Canonical id of each dense node, computed children first (children have larger ids).
    let mut canonical = vec![0usize; dense.len()];
    let mut unique: HashMap<(bool, Vec<(u8, usize)>), usize> = HashMap::new();
    let mut shapes: Vec<(bool, Vec<(u8, usize)>)> = Vec::new();
    for id in (0..dense.len()).rev() {
        let (children, is_word) = &dense[id];
        let shape: (bool, Vec<(u8, usize)>) = (
            *is_word,
            children
                .iter()
                .enumerate()
                .filter(|&(_, &child)| child != 0)
                .map(|(letter, &child)| (letter as u8, canonical[child as usize]))
                .collect(),
        );
        canonical[id] = if let Some(&known) = unique.get(&shape) {
            known
        } else {
            shapes.push(shape.clone());
            unique.insert(shape, shapes.len() - 1);
            shapes.len() - 1
        };
    }
    // Blocks: the root's record first, then one block per graph node, children in letter order,
    // breadth first from the root so the short prefixes every walk starts with sit together.
    let mut order = vec![canonical[0]];
    let mut placed = vec![false; shapes.len()];
    placed[canonical[0]] = true;
    let mut at = 0;
    while at < order.len() {
        for &(_, child) in &shapes[order[at]].1 {
            if !placed[child] {
                placed[child] = true;
                order.push(child);
            }
        }
        at += 1;
    }
    let mut block_at = vec![0u32; shapes.len()];
    let mut next = 1;
    for &id in &order {
        block_at[id] = next as u32;
        next += shapes[id].1.len();
    }
    let record = |id: usize| {
        let (is_word, children) = &shapes[id];
        let mask = children
            .iter()
            .fold(if *is_word { IS_WORD } else { 0 }, |mask, &(letter, _)| {
                mask | 1 << letter
            });
        Node {
            mask,
            first: block_at[id],
        }
    };
    let mut nodes = Vec::with_capacity(next);
    nodes.push(record(canonical[0]));
    for &id in &order {
        nodes.extend(shapes[id].1.iter().map(|&(_, child)| record(child)));
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dictionary() -> Dictionary {
        Dictionary::from_word_list("# test\nweather\nforecast\neat\nher\ncast\nat\nBoston\nit's\n")
            .unwrap()
    }

    #[test]
    fn keeps_only_plain_words() {
        let d = dictionary();
        assert_eq!(d.len(), 5);
        assert!(d.contains("weather") && d.contains("cast"));
        assert!(!d.contains("at") && !d.contains("boston") && !d.contains("weath"));
    }

    #[test]
    fn covers_compounds() {
        let d = dictionary();
        let full = d.coverage(b"weatherforecast");
        assert!((full.covered_ratio - 1.0).abs() < 1e-12);
        assert!((full.longest_word_ratio - 8.0 / 15.0).abs() < 1e-12);
        let none = d.coverage(b"xq7zk");
        assert!(none.covered_ratio.abs() < 1e-12);
        let part = d.coverage(b"eat-xx");
        assert!((part.covered_ratio - 0.5).abs() < 1e-12);
    }

    #[test]
    fn enumerates_every_word() {
        let mut found = Vec::new();
        dictionary().for_each_word(b"weatherforecast", |s, e| found.push((s, e)));
        assert_eq!(found, [(0, 7), (1, 4), (4, 7), (7, 15), (11, 15)]);
    }

    #[test]
    fn empty_list_is_an_error() {
        assert!(Dictionary::from_word_list("a\nbe\n").is_err());
    }
}

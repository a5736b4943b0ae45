//! English word coverage of a label, by segmentation against a word list.
//!
//! People name things with words (`weatherforecast`, `my-bank`); most DGAs do not, and the ones that
//! do (word-list DGAs) cover their labels with words completely, which is itself a signal when read
//! together with the n-gram score. The word list is `features/data/english_words.txt` (from Debian's
//! `wamerican`, words of three letters or more), held in a compact trie.

use crate::FeaturesError;

/// Words shorter than this are ignored: almost any random string contains two-letter words.
pub const MIN_WORD_LEN: usize = 3;
const IS_WORD: u32 = 1 << 26;
const LETTERS: u32 = IS_WORD - 1;

/// A trie node: bit `c` of `mask` is set when letter `c` has a child, bit 26 when a word ends here.
/// Children sit together from `first`, in letter order, so a child is found with one popcount.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    mask: u32,
    first: u32,
}

/// A word list as a trie over `a`–`z`.
#[derive(Debug, Clone)]
pub struct Dictionary {
    nodes: Vec<Node>,
    words: usize,
}

/// What the dictionary says about one label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// Share of the label's characters covered by the best non-overlapping choice of words.
    pub covered_ratio: f64,
    /// Length of the longest word anywhere in the label, over the label length.
    pub longest_word_ratio: f64,
}

impl Dictionary {
    /// Builds the trie from a word list, one word a line; `#` lines, words with characters other
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
        Ok(Self {
            nodes: compact(&dense),
            words,
        })
    }

    /// Number of words in the trie.
    pub fn len(&self) -> usize {
        self.words
    }

    /// Whether the trie holds no word.
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

    /// Whether `word` is in the list.
    pub fn contains(&self, word: &str) -> bool {
        let mut node = 0;
        for byte in word.bytes() {
            match self.child(node, byte) {
                Some(next) => node = next,
                None => return false,
            }
        }
        word.len() >= MIN_WORD_LEN && self.nodes[node].mask & IS_WORD != 0
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
        let mut longest = 0usize;
        for start in 0..label.len() {
            best[start + 1] = best[start + 1].max(best[start]);
            let mut node = 0;
            for (end, &byte) in label.iter().enumerate().skip(start) {
                let Some(next) = self.child(node, byte) else {
                    break;
                };
                node = next;
                let len = end + 1 - start;
                if self.nodes[node].mask & IS_WORD != 0 && len >= MIN_WORD_LEN {
                    best[end + 1] = best[end + 1].max(best[start] + len as u8);
                    longest = longest.max(len);
                }
            }
        }
        let n = label.len() as f64;
        Coverage {
            covered_ratio: f64::from(best[label.len()]) / n,
            longest_word_ratio: longest as f64 / n,
        }
    }
}

/// Lays out a dense trie depth first, each node's children adjacent, so that walking down a word
/// mostly touches nearby memory.
fn compact(dense: &[([u32; 26], bool)]) -> Vec<Node> {
    let mut nodes = vec![Node::default()];
    // (dense id, compact id) of nodes whose children are still to be placed; a stack, so the
    // subtree of the first child is laid out before its siblings'.
    let mut pending = vec![(0usize, 0usize)];
    while let Some((dense_id, at)) = pending.pop() {
        let (children, is_word) = &dense[dense_id];
        let first = nodes.len();
        let mut mask = if *is_word { IS_WORD } else { 0 };
        let mut placed = Vec::new();
        for (letter, &child) in children.iter().enumerate() {
            if child != 0 {
                mask |= 1 << letter;
                placed.push((child as usize, first + placed.len()));
            }
        }
        nodes.resize(first + placed.len(), Node::default());
        nodes[at] = Node {
            mask,
            first: first as u32,
        };
        pending.extend(placed.into_iter().rev());
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
    fn empty_list_is_an_error() {
        assert!(Dictionary::from_word_list("a\nbe\n").is_err());
    }
}

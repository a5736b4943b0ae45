//! Damerau-Levenshtein distance (optimal string alignment: adjacent transpositions count one)
//! with the operations that realise it, so that a match can say how the name differs.

use std::fmt;

/// One edit turning the brand into the observed label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    /// `from` at `at` became `to`; `keyboard` when the keys touch.
    Substitute {
        /// Position in the brand label.
        at: usize,
        /// Brand character.
        from: char,
        /// Observed character.
        to: char,
        /// The two keys are adjacent on some keyboard layout.
        keyboard: bool,
    },
    /// `ch` was added before brand position `at`.
    Insert {
        /// Position in the brand label.
        at: usize,
        /// Added character.
        ch: char,
    },
    /// `ch` at `at` was left out.
    Delete {
        /// Position in the brand label.
        at: usize,
        /// Removed character.
        ch: char,
    },
    /// The characters at `at` and `at + 1` were swapped.
    Transpose {
        /// Position in the brand label.
        at: usize,
    },
}

impl EditOp {
    /// Cost used in scores: a keyboard-adjacent substitution is half a typo.
    pub fn cost(self) -> f32 {
        match self {
            Self::Substitute { keyboard: true, .. } => 0.5,
            _ => 1.0,
        }
    }
}

impl fmt::Display for EditOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Substitute {
                at,
                from,
                to,
                keyboard,
            } => {
                let kind = if *keyboard { "keyboard" } else { "sub" };
                write!(f, "{kind}({from}>{to}@{at})")
            }
            Self::Insert { at, ch } => write!(f, "ins({ch}@{at})"),
            Self::Delete { at, ch } => write!(f, "del({ch}@{at})"),
            Self::Transpose { at } => write!(f, "swap(@{at})"),
        }
    }
}

/// The edits from `brand` to `observed` when there are at most `max` of them.
#[allow(clippy::many_single_char_names)] // the textbook names of the recurrence: d[i][j] over n × m
pub fn edit_ops(
    brand: &[char],
    observed: &[char],
    max: usize,
    adjacent: impl Fn(char, char) -> bool,
) -> Option<Vec<EditOp>> {
    let (n, m) = (brand.len(), observed.len());
    if n.abs_diff(m) > max {
        return None;
    }
    let width = m + 1;
    let mut d = vec![0usize; (n + 1) * width];
    for i in 0..=n {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(m + 1) {
        *cell = j;
    }
    for i in 1..=n {
        let mut row_min = usize::MAX;
        for j in 1..=m {
            let same = brand[i - 1] == observed[j - 1];
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + usize::from(!same));
            if i > 1 && j > 1 && brand[i - 1] == observed[j - 2] && brand[i - 2] == observed[j - 1]
            {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
            row_min = row_min.min(best);
        }
        if row_min > max {
            return None;
        }
    }
    if d[n * width + m] > max {
        return None;
    }
    // Walk back from the corner, preferring the cheapest explanation of each cell.
    let mut ops = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = d[i * width + j];
        if i > 0 && j > 0 && brand[i - 1] == observed[j - 1] && d[(i - 1) * width + j - 1] == here {
            i -= 1;
            j -= 1;
        } else if i > 1
            && j > 1
            && brand[i - 1] == observed[j - 2]
            && brand[i - 2] == observed[j - 1]
            && d[(i - 2) * width + j - 2] + 1 == here
        {
            ops.push(EditOp::Transpose { at: i - 2 });
            i -= 2;
            j -= 2;
        } else if i > 0 && j > 0 && d[(i - 1) * width + j - 1] + 1 == here {
            let (from, to) = (brand[i - 1], observed[j - 1]);
            ops.push(EditOp::Substitute {
                at: i - 1,
                from,
                to,
                keyboard: adjacent(from, to),
            });
            i -= 1;
            j -= 1;
        } else if j > 0 && d[i * width + j - 1] + 1 == here {
            ops.push(EditOp::Insert {
                at: i,
                ch: observed[j - 1],
            });
            j -= 1;
        } else {
            ops.push(EditOp::Delete {
                at: i - 1,
                ch: brand[i - 1],
            });
            i -= 1;
        }
    }
    ops.reverse();
    Some(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(a: &str, b: &str, max: usize) -> Option<Vec<String>> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        edit_ops(&a, &b, max, |x, y| (x, y) == ('o', 'p'))
            .map(|ops| ops.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn names_the_operations() {
        assert_eq!(ops("google", "googel", 2).unwrap(), ["swap(@4)"]);
        assert_eq!(ops("google", "gpogle", 2).unwrap(), ["keyboard(o>p@1)"]);
        assert_eq!(ops("google", "gogle", 2).unwrap(), ["del(o@1)"]);
        assert_eq!(ops("google", "googlee", 2).unwrap(), ["ins(e@5)"]);
        assert_eq!(ops("google", "gxxgle", 2).unwrap().len(), 2);
        assert_eq!(ops("google", "gxxgle", 1), None);
        assert_eq!(ops("ab", "ab", 0).unwrap(), Vec::<String>::new());
    }
}

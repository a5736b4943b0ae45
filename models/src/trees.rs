//! A flat array layout for tree ensembles, shared by the random forest and gradient boosting.
//!
//! All trees live in one `Vec` of 24-byte nodes, children always after their parent, and a
//! leaf points at itself on both sides. So every row can take exactly `depth` steps through a
//! tree, each a compare and a select with no data-dependent branch; eight rows walk a tree in
//! lockstep, which lets the CPU overlap their node loads, and a block of rows passes through one
//! tree before the next, which keeps the tree in cache. This is several times faster than
//! walking each row through every tree with branches (the usual layout, and smartcore's).
//!
//! Ensembles of oblivious trees (every node of a level splits alike) are also kept, from their
//! first prediction, as [`ObliviousTables`]: a row's leaf is then the bits of `depth`
//! independent comparisons, which a block of rows makes together in vector instructions.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::samples::Samples;

/// Rows per prediction block.
const BLOCK_ROWS: usize = 256;
/// Rows walking one tree in lockstep.
const LANES: usize = 8;
/// Rows per block of oblivious prediction (their features, column by column, stay in cache).
const OBLIVIOUS_BLOCK_ROWS: usize = 64;
/// Deepest oblivious tree kept as a table (it has `2^depth` leaves).
const OBLIVIOUS_MAX_DEPTH: u32 = 16;

/// One node: a split (`x[feature] <= value` goes left) or a leaf (both children are the node
/// itself; `value` is the leaf's value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Node {
    feature: u32,
    value: f64,
    /// Left, then right child: indexed by the comparison, so the walk has no branch.
    children: [u32; 2],
}

/// Trees in one flat array; see the module documentation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TreeEnsemble {
    nodes: Vec<Node>,
    roots: Vec<u32>,
    /// Steps from the root to the deepest leaf, per tree.
    depths: Vec<u32>,
    features: usize,
    /// The trees as tables if all are oblivious; made on first prediction.
    #[serde(skip)]
    oblivious: OnceLock<Option<ObliviousTables>>,
}

/// Equal trees; the oblivious tables are made from them and do not count.
impl PartialEq for TreeEnsemble {
    fn eq(&self, other: &Self) -> bool {
        self.nodes == other.nodes
            && self.roots == other.roots
            && self.depths == other.depths
            && self.features == other.features
    }
}

/// Builds one tree into an ensemble, in pre-order; the tree is complete when the builder drops.
pub struct TreeBuilder<'e> {
    ensemble: &'e mut TreeEnsemble,
}

impl TreeBuilder<'_> {
    /// Adds a leaf; returns its index.
    pub fn leaf(&mut self, value: f64) -> u32 {
        let at = self.ensemble.nodes.len() as u32;
        self.ensemble.nodes.push(Node {
            feature: 0,
            value,
            children: [at, at],
        });
        at
    }

    /// Adds a split whose children are added next (left subtree first); returns its index, to
    /// pass to [`Self::link`] once both children exist.
    pub fn split(&mut self, feature: usize, threshold: f64) -> u32 {
        let at = self.ensemble.nodes.len() as u32;
        self.ensemble.nodes.push(Node {
            feature: feature as u32,
            value: threshold,
            children: [at, at],
        });
        at
    }

    /// Points split `node` at its children.
    pub fn link(&mut self, node: u32, left: u32, right: u32) {
        self.ensemble.nodes[node as usize].children = [left, right];
    }
}

impl Drop for TreeBuilder<'_> {
    fn drop(&mut self) {
        let tree = self.ensemble.roots.len() - 1;
        let depth = self.ensemble.tree_depth(tree).unwrap_or(0);
        self.ensemble.depths.push(depth);
    }
}

impl TreeEnsemble {
    /// An empty ensemble over rows of `features` values.
    pub fn new(features: usize) -> Self {
        Self {
            features,
            ..Self::default()
        }
    }

    /// Starts a tree; its first node added becomes its root.
    pub fn tree(&mut self) -> TreeBuilder<'_> {
        self.oblivious = OnceLock::new();
        self.roots.push(self.nodes.len() as u32);
        TreeBuilder { ensemble: self }
    }

    /// Number of trees.
    pub fn trees(&self) -> usize {
        self.roots.len()
    }

    /// Number of nodes over all trees.
    pub fn nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Number of features a row must have.
    pub fn features(&self) -> usize {
        self.features
    }

    /// Node steps per row over all trees: the cost of one prediction.
    pub fn steps_per_row(&self) -> u64 {
        self.depths.iter().map(|&d| u64::from(d)).sum()
    }

    /// The node range of tree `tree`.
    fn range(&self, tree: usize) -> std::ops::Range<usize> {
        let start = self.roots[tree] as usize;
        let end = self
            .roots
            .get(tree + 1)
            .map_or(self.nodes.len(), |&r| r as usize);
        start..end
    }

    /// The depth of tree `tree`, or why its nodes are not a tree: every split's children lie
    /// after it and inside its tree, every leaf points at itself, every split feature exists.
    fn tree_depth(&self, tree: usize) -> Result<u32, String> {
        let range = self.range(tree);
        if range.is_empty() || range.end > self.nodes.len() {
            return Err(format!("tree {tree} has no nodes"));
        }
        let mut depth = vec![0u32; range.len()];
        let mut deepest = 0;
        for at in range.clone() {
            let node = &self.nodes[at];
            let own = depth[at - range.start];
            if !node.value.is_finite() {
                return Err(format!("node {at} holds a non-finite value"));
            }
            let [left, right] = node.children.map(|c| c as usize);
            if left == at && right == at {
                deepest = deepest.max(own);
                continue;
            }
            if node.feature as usize >= self.features {
                return Err(format!(
                    "node {at} splits on feature {} of {}",
                    node.feature, self.features
                ));
            }
            for child in [left, right] {
                if child <= at || child >= range.end {
                    return Err(format!("node {at} points at node {child}"));
                }
                depth[child - range.start] = own + 1;
            }
        }
        Ok(deepest)
    }

    /// Checks what prediction relies on, so that a damaged or hostile artefact is an error
    /// rather than a panic or a wrong score: the trees are well formed (see the module
    /// documentation) and their recorded depths are right.
    pub fn validate(&self) -> Result<(), String> {
        if self.depths.len() != self.roots.len() {
            return Err("tree depths and roots disagree".to_owned());
        }
        if self.roots.first().is_some_and(|&r| r != 0)
            || self.roots.windows(2).any(|w| w[0] >= w[1])
        {
            return Err("tree roots are not in order".to_owned());
        }
        for tree in 0..self.roots.len() {
            if self.tree_depth(tree)? != self.depths[tree] {
                return Err(format!("tree {tree} has the wrong recorded depth"));
            }
        }
        Ok(())
    }

    /// The leaf `row` reaches in tree `tree`.
    ///
    /// # Panics
    /// If the tree does not exist or the row is narrower than [`Self::features`].
    pub fn leaf_of(&self, tree: usize, row: &[f64]) -> usize {
        let mut at = self.roots[tree] as usize;
        for _ in 0..self.depths[tree] {
            let node = &self.nodes[at];
            at = node.children[usize::from(row[node.feature as usize] > node.value)] as usize;
        }
        at
    }

    /// The value of node `leaf` (an index [`Self::leaf_of`] returned).
    ///
    /// # Panics
    /// If there is no such node.
    pub fn leaf_value(&self, leaf: usize) -> f64 {
        self.nodes[leaf].value
    }

    /// Whether every tree is oblivious (each level splits on one feature and threshold), so
    /// prediction reads tables instead of walking nodes.
    pub fn is_oblivious(&self) -> bool {
        self.oblivious_tables().is_some()
    }

    /// The trees as tables, made on first use, if all are oblivious.
    fn oblivious_tables(&self) -> Option<&ObliviousTables> {
        self.oblivious
            .get_or_init(|| ObliviousTables::new(self))
            .as_ref()
    }

    /// Replaces the value of leaf `leaf` (an index [`Self::leaf_of`] returned).
    ///
    /// # Panics
    /// If there is no such node.
    pub fn set_leaf_value(&mut self, leaf: usize, value: f64) {
        self.oblivious = OnceLock::new();
        self.nodes[leaf].value = value;
    }

    /// Adds each row's sum of leaf values over all trees to `out` (one slot per row).
    ///
    /// # Panics
    /// If `out` is shorter than the number of rows or rows are narrower than
    /// [`Self::features`]; callers check the shape once per batch.
    pub fn add_sums(&self, samples: Samples<'_>, out: &mut [f64]) {
        assert!(samples.cols() >= self.features && out.len() >= samples.rows());
        if let Some(tables) = self.oblivious_tables() {
            tables.add_sums(samples, &mut out[..samples.rows()]);
            return;
        }
        for (block, sums) in out[..samples.rows()].chunks_mut(BLOCK_ROWS).enumerate() {
            let first = block * BLOCK_ROWS;
            for tree in 0..self.roots.len() {
                for (lane, lane_sums) in sums.chunks_mut(LANES).enumerate() {
                    self.walk(tree, samples, first + lane * LANES, lane_sums);
                }
            }
        }
    }

    /// Adds the value of tree `tree` (in the order built) for each row to `out`.
    ///
    /// # Panics
    /// As [`Self::add_sums`], and if the tree does not exist.
    pub fn add_tree_values(&self, tree: usize, samples: Samples<'_>, out: &mut [f64]) {
        assert!(samples.cols() >= self.features && out.len() >= samples.rows());
        for (lane, sums) in out[..samples.rows()].chunks_mut(LANES).enumerate() {
            self.walk(tree, samples, lane * LANES, sums);
        }
    }

    /// Walks up to [`LANES`] rows from `first` through one tree together; adds the leaf values.
    fn walk(&self, tree: usize, samples: Samples<'_>, first: usize, sums: &mut [f64]) {
        let values = samples.as_slice();
        let cols = samples.cols();
        let lanes = sums.len();
        let mut at = [self.roots[tree] as usize; LANES];
        let mut base = [0usize; LANES];
        for (lane, base) in base.iter_mut().enumerate().take(lanes) {
            *base = (first + lane) * cols;
        }
        for _ in 0..self.depths[tree] {
            for lane in 0..lanes {
                let node = &self.nodes[at[lane]];
                let goes_right = values[base[lane] + node.feature as usize] > node.value;
                at[lane] = node.children[usize::from(goes_right)] as usize;
            }
        }
        for (sum, &node) in sums.iter_mut().zip(&at) {
            *sum += self.nodes[node].value;
        }
    }
}

/// An ensemble of oblivious trees as tables: per tree, the (feature, threshold) of each level
/// and the `2^depth` leaf values, indexed by the comparisons' bits, root first.
#[derive(Debug, Clone, PartialEq)]
struct ObliviousTables {
    trees: Vec<ObliviousTree>,
    /// The levels of every tree, tree after tree.
    levels: Vec<(usize, f64)>,
    /// The leaves of every tree, tree after tree, left to right.
    leaves: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct ObliviousTree {
    depth: usize,
    /// Where its levels and its leaves start.
    levels: usize,
    leaves: usize,
}

impl ObliviousTables {
    /// The tables of `ensemble`, or `None` if one of its trees is not oblivious (or too deep).
    fn new(ensemble: &TreeEnsemble) -> Option<Self> {
        let mut tables = Self {
            trees: Vec::with_capacity(ensemble.roots.len()),
            levels: Vec::new(),
            leaves: Vec::new(),
        };
        for (&root, &depth) in ensemble.roots.iter().zip(&ensemble.depths) {
            if depth > OBLIVIOUS_MAX_DEPTH {
                return None;
            }
            let tree = ObliviousTree {
                depth: depth as usize,
                levels: tables.levels.len(),
                leaves: tables.leaves.len(),
            };
            let mut level = vec![root as usize];
            for _ in 0..depth {
                let first = ensemble.nodes[level[0]];
                let mut next = Vec::with_capacity(level.len() * 2);
                for &at in &level {
                    let node = &ensemble.nodes[at];
                    let [left, right] = node.children.map(|c| c as usize);
                    let alike = node.feature == first.feature
                        && node.value.to_bits() == first.value.to_bits();
                    if left == at || !alike {
                        return None;
                    }
                    next.extend([left, right]);
                }
                tables.levels.push((first.feature as usize, first.value));
                level = next;
            }
            tables
                .leaves
                .extend(level.iter().map(|&at| ensemble.nodes[at].value));
            tables.trees.push(tree);
        }
        Some(tables)
    }

    /// Adds each row's sum over all trees to `out` (one slot per row).
    fn add_sums(&self, samples: Samples<'_>, out: &mut [f64]) {
        let cols = samples.cols();
        let mut columns = vec![0.0; cols * OBLIVIOUS_BLOCK_ROWS];
        for (block, sums) in out.chunks_mut(OBLIVIOUS_BLOCK_ROWS).enumerate() {
            let rows = sums.len();
            for at in 0..rows {
                let row = samples.row(block * OBLIVIOUS_BLOCK_ROWS + at);
                for (feature, &value) in row.iter().enumerate() {
                    columns[feature * OBLIVIOUS_BLOCK_ROWS + at] = value;
                }
            }
            for tree in &self.trees {
                let levels = &self.levels[tree.levels..tree.levels + tree.depth];
                let leaves = &self.leaves[tree.leaves..tree.leaves + (1 << tree.depth)];
                // Eight rows at a time through all levels, their leaf indices in registers; rows
                // past the end of the block hold stale values and are not added.
                for (group, sums) in sums.chunks_mut(LANES).enumerate() {
                    let mut leaf = [0u64; LANES];
                    for &(feature, threshold) in levels {
                        let column =
                            &columns[feature * OBLIVIOUS_BLOCK_ROWS + group * LANES..][..LANES];
                        for (leaf, &value) in leaf.iter_mut().zip(column) {
                            *leaf = 2 * *leaf + u64::from(value > threshold);
                        }
                    }
                    for (sum, &leaf) in sums.iter_mut().zip(&leaf) {
                        *sum += leaves[leaf as usize];
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// x0 <= 0.5 ? (x1 <= 2 ? 1 : 2) : 3, plus a one-leaf tree worth 10.
    fn two_trees() -> TreeEnsemble {
        let mut ensemble = TreeEnsemble::new(2);
        let mut tree = ensemble.tree();
        let root = tree.split(0, 0.5);
        let inner = tree.split(1, 2.0);
        let a = tree.leaf(1.0);
        let b = tree.leaf(2.0);
        tree.link(inner, a, b);
        let c = tree.leaf(3.0);
        tree.link(root, inner, c);
        drop(tree);
        ensemble.tree().leaf(10.0);
        ensemble
    }

    #[test]
    fn sums_follow_the_splits() {
        let ensemble = two_trees();
        assert!(ensemble.validate().is_ok());
        assert_eq!(ensemble.depths, [2, 0]);
        assert_eq!(ensemble.steps_per_row(), 2);
        // More rows than one lockstep group and one block, to cover the remainders.
        let rows: Vec<f64> = (0..600)
            .flat_map(|i| [[0.0, 2.0], [0.5, 2.5], [0.6, 0.0]][i % 3])
            .collect();
        let mut out = vec![0.0; 600];
        ensemble.add_sums(Samples::new(&rows, 2).unwrap(), &mut out);
        for (i, sum) in out.iter().enumerate() {
            assert_eq!(*sum, [11.0, 12.0, 13.0][i % 3], "row {i}");
        }
        let mut first_tree = vec![0.0; 600];
        ensemble.add_tree_values(0, Samples::new(&rows, 2).unwrap(), &mut first_tree);
        assert_eq!(&first_tree[..3], [1.0, 2.0, 3.0]);
    }

    #[test]
    fn damaged_trees_are_refused() {
        let mut backwards = two_trees();
        backwards.nodes[1].children[0] = 0;
        assert!(
            backwards
                .validate()
                .unwrap_err()
                .contains("points at node 0")
        );
        let mut wide = two_trees();
        wide.nodes[0].feature = 7;
        assert!(wide.validate().is_err());
        let mut nan = two_trees();
        nan.nodes[2].value = f64::NAN;
        assert!(nan.validate().is_err());
    }
}

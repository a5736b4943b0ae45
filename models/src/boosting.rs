//! Histogram gradient boosting on binary log-loss, implemented here.
//!
//! Why our own: linfa has no gradient boosting for classification and smartcore's `xgboost`
//! module is a regressor on exact splits; a histogram learner is about 300 lines, fits 160,000
//! rows in seconds, and its trees go straight into the flat layout of [`crate::trees`].
//!
//! The algorithm (as in `LightGBM` and scikit-learn's `HistGradientBoostingClassifier`): each
//! feature is cut into at most 255 quantile bins once; each round fits a depth-limited regression
//! tree to the log-loss gradients using per-bin sums of gradient and hessian, with the sibling
//! histogram got by subtraction from the parent; leaves take the Newton step
//! `-G / (H + l2)`, shrunk by the learning rate.
//!
//! With `oblivious` (the default) every level of a tree splits all its nodes on the one feature
//! and bin whose gain, summed over the nodes, is largest, as `CatBoost` grows trees; prediction
//! then reads each tree as a table ([`crate::trees`]).

use serde::{Deserialize, Serialize};

use crate::calibration::sigmoid;
use crate::classifier::{Classifier, Fitted, StepMetric};
use crate::error::{ModelsError, Result};
use crate::samples::{LabelledSamples, Samples, SplitMix64};
use crate::trees::{TreeBuilder, TreeEnsemble};

/// Parameters of [`BoostedTrees`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BoostingParams {
    /// Boosting rounds (trees).
    pub rounds: u32,
    /// Shrinkage applied to every leaf.
    pub learning_rate: f64,
    /// Depth of each tree.
    pub max_depth: u32,
    /// Rows a leaf must keep at least.
    pub min_samples_leaf: u32,
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// Bins per feature, at most 256.
    pub max_bins: u16,
    /// Share of rows each round fits on (1 uses all).
    pub subsample: f64,
    /// Seeds the row subsampling.
    pub seed: u64,
    /// Grow oblivious trees (one split per level, as `CatBoost` does): a row's leaf is then a
    /// few independent comparisons, about four times cheaper per level than a walk through
    /// nodes. Manifests from before this option are `false`.
    #[serde(default)]
    pub oblivious: bool,
}

/// The defaults: 200 oblivious trees of depth 6. On the built-in dataset they reach a higher ROC
/// AUC than 100 ordinary trees of depth 5 (0.9958 against 0.9954, the same recall at FPR 1e-3)
/// and predict 1.7 times as fast; 100 oblivious trees lose 1 to 6 points of recall.
impl Default for BoostingParams {
    fn default() -> Self {
        Self {
            rounds: 200,
            learning_rate: 0.2,
            max_depth: 6,
            min_samples_leaf: 20,
            l2: 1.0,
            max_bins: 255,
            subsample: 1.0,
            seed: 0,
            oblivious: true,
        }
    }
}

impl BoostingParams {
    fn check(&self) -> Result<()> {
        let ok = self.rounds > 0
            && self.learning_rate > 0.0
            && self.learning_rate <= 1.0
            && (1..=16).contains(&self.max_depth)
            && self.min_samples_leaf > 0
            && self.l2 >= 0.0
            && (2..=256).contains(&self.max_bins)
            && self.subsample > 0.0
            && self.subsample <= 1.0;
        if ok {
            Ok(())
        } else {
            Err(ModelsError::InvalidInput(format!(
                "gradient-boosting: need rounds > 0, learning_rate in (0, 1], max_depth in 1..=16, \
                 min_samples_leaf > 0, l2 >= 0, max_bins in 2..=256, subsample in (0, 1]; \
                 got {self:?}"
            )))
        }
    }
}

/// A fitted boosted ensemble: score = sigmoid(base + sum of tree values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoostedTrees {
    base: f64,
    trees: TreeEnsemble,
}

impl BoostedTrees {
    /// The trees.
    pub fn ensemble(&self) -> &TreeEnsemble {
        &self.trees
    }
}

impl Classifier for BoostedTrees {
    type Params = BoostingParams;

    fn fit(
        params: &BoostingParams,
        train: LabelledSamples<'_>,
        validation: Option<LabelledSamples<'_>>,
    ) -> Result<Fitted<Self>> {
        params.check()?;
        let samples = train.samples;
        let n = samples.rows();
        let binned = Binned::new(samples, usize::from(params.max_bins));
        let positives = train.labels.iter().filter(|&&y| y).count() as f64;
        let prior = positives / n as f64;
        let base = (prior / (1.0 - prior)).ln();
        let targets: Vec<f64> = train
            .labels
            .iter()
            .map(|&y| f64::from(u8::from(y)))
            .collect();

        let mut trees = TreeEnsemble::new(samples.cols());
        let mut margin = vec![base; n];
        let mut validation_margin = validation.map(|v| vec![base; v.samples.rows()]);
        let (mut grad, mut hess) = (vec![0.0; n], vec![0.0; n]);
        let mut rng = SplitMix64(params.seed);
        let mut steps = Vec::new();
        for round in 1..=u64::from(params.rounds) {
            for (((g, h), f), y) in grad.iter_mut().zip(&mut hess).zip(&margin).zip(&targets) {
                let p = sigmoid(*f);
                *g = p - y;
                *h = (p * (1.0 - p)).max(1e-16);
            }
            let mut rows: Vec<u32> = if params.subsample < 1.0 {
                (0..n as u32)
                    .filter(|_| rng.unit() < params.subsample)
                    .collect()
            } else {
                (0..n as u32).collect()
            };
            let grower = Grower {
                binned: &binned,
                grad: &grad,
                hess: &hess,
                params,
            };
            if params.oblivious {
                grower.grow_oblivious(&mut rows, &mut trees.tree());
            } else {
                let histogram = grower.histogram(&rows);
                grower.grow(&mut rows, histogram, 0, &mut trees.tree());
            }
            let tree = trees.trees() - 1;
            trees.add_tree_values(tree, samples, &mut margin);
            steps.push(StepMetric {
                key: "train_log_loss".to_owned(),
                step: round,
                value: log_loss(&margin, train.labels),
            });
            if let (Some(v), Some(vm)) = (validation, validation_margin.as_mut()) {
                trees.add_tree_values(tree, v.samples, vm);
                steps.push(StepMetric {
                    key: "validation_log_loss".to_owned(),
                    step: round,
                    value: log_loss(vm, v.labels),
                });
            }
        }
        Ok(Fitted {
            model: Self { base, trees },
            steps,
        })
    }

    fn features(&self) -> usize {
        self.trees.features()
    }

    fn predict_into(&self, samples: Samples<'_>, out: &mut [f32]) {
        assert_eq!(out.len(), samples.rows());
        let mut margin = vec![self.base; samples.rows()];
        self.trees.add_sums(samples, &mut margin);
        for (score, m) in out.iter_mut().zip(margin) {
            *score = sigmoid(m) as f32;
        }
    }

    fn validate(&self) -> Result<(), String> {
        if !self.base.is_finite() {
            return Err("gradient-boosting base score is not finite".to_owned());
        }
        self.trees.validate()
    }
}

/// Mean binary log-loss of margins (log-odds) against labels.
fn log_loss(margin: &[f64], labels: &[bool]) -> f64 {
    // log(1 + e^-m) for DGA rows, log(1 + e^m) for benign ones, computed without overflow.
    let softplus = |x: f64| x.max(0.0) + (-x.abs()).exp().ln_1p();
    let total: f64 = margin
        .iter()
        .zip(labels)
        .map(|(&m, &y)| if y { softplus(-m) } else { softplus(m) })
        .sum();
    total / margin.len().max(1) as f64
}

/// Features cut into quantile bins, column-major, and the cut points.
struct Binned {
    rows: usize,
    /// `bins[feature * rows + row]`.
    bins: Vec<u8>,
    /// Per feature, ascending: a value `x` falls in the first bin `b` with `x <= edges[b]`, or in
    /// the last bin `edges.len()`.
    edges: Vec<Vec<f64>>,
}

impl Binned {
    fn new(samples: Samples<'_>, max_bins: usize) -> Self {
        let (rows, cols) = (samples.rows(), samples.cols());
        let mut bins = vec![0u8; rows * cols];
        let mut edges = Vec::with_capacity(cols);
        for feature in 0..cols {
            let mut column: Vec<f64> = (0..rows).map(|r| samples.row(r)[feature]).collect();
            column.sort_unstable_by(f64::total_cmp);
            let cut = cut_points(&column, max_bins);
            for (row, bin) in bins[feature * rows..(feature + 1) * rows]
                .iter_mut()
                .enumerate()
            {
                let x = samples.row(row)[feature];
                *bin = cut.partition_point(|&edge| edge < x) as u8;
            }
            edges.push(cut);
        }
        Self { rows, bins, edges }
    }
}

/// At most `max_bins - 1` cut points over sorted values: midpoints between distinct values when
/// there are few, else quantiles.
fn cut_points(sorted: &[f64], max_bins: usize) -> Vec<f64> {
    let mut distinct = sorted.to_vec();
    distinct.dedup();
    if distinct.len() <= max_bins {
        return distinct
            .windows(2)
            .map(|w| f64::midpoint(w[0], w[1]))
            .collect();
    }
    let mut cut: Vec<f64> = (1..max_bins)
        .map(|q| sorted[q * sorted.len() / max_bins])
        .collect();
    cut.dedup();
    // The largest value needs a bin of its own above the last cut.
    if cut.last() == distinct.last() {
        cut.pop();
    }
    cut
}

/// Per-bin sums of one node's rows.
#[derive(Debug, Clone, Copy, Default)]
struct BinSum {
    grad: f64,
    hess: f64,
    rows: u32,
}

const BINS: usize = 256;

struct Grower<'a> {
    binned: &'a Binned,
    grad: &'a [f64],
    hess: &'a [f64],
    params: &'a BoostingParams,
}

struct Split {
    feature: usize,
    bin: u8,
}

impl Grower<'_> {
    fn histogram(&self, rows: &[u32]) -> Vec<BinSum> {
        let n = self.binned.rows;
        let mut histogram = vec![BinSum::default(); self.binned.edges.len() * BINS];
        for (feature, sums) in histogram.chunks_exact_mut(BINS).enumerate() {
            let bins = &self.binned.bins[feature * n..(feature + 1) * n];
            for &row in rows {
                let row = row as usize;
                let sum = &mut sums[usize::from(bins[row])];
                sum.grad += self.grad[row];
                sum.hess += self.hess[row];
                sum.rows += 1;
            }
        }
        histogram
    }

    /// Grows the subtree of `rows` (reordered in place) and returns its root node.
    fn grow(
        &self,
        rows: &mut [u32],
        histogram: Vec<BinSum>,
        depth: u32,
        out: &mut TreeBuilder<'_>,
    ) -> u32 {
        let total = node_total(&histogram);
        let split = (depth < self.params.max_depth)
            .then(|| {
                let mut gains = self.no_gains();
                self.add_gains(&histogram, &mut gains);
                best_split(&gains)
            })
            .flatten();
        let Some(split) = split else {
            let value = -self.params.learning_rate * total.grad / (total.hess + self.params.l2);
            return out.leaf(value);
        };
        let n = self.binned.rows;
        let bins = &self.binned.bins[split.feature * n..(split.feature + 1) * n];
        let left_len = partition(rows, |row| bins[row as usize] <= split.bin);
        let (left_rows, right_rows) = rows.split_at_mut(left_len);
        let (left_hist, right_hist) = self.child_histograms(histogram, left_rows, right_rows);
        let threshold = self.binned.edges[split.feature][usize::from(split.bin)];
        let node = out.split(split.feature, threshold);
        let left = self.grow(left_rows, left_hist, depth + 1, out);
        let right = self.grow(right_rows, right_hist, depth + 1, out);
        out.link(node, left, right);
        node
    }

    /// Grows an oblivious tree over `rows` (reordered in place): each level splits every node
    /// on the one feature and bin with the largest gain summed over the nodes. A node too small
    /// to split there by `min_samples_leaf` adds no gain, and its children may be empty (value
    /// 0).
    fn grow_oblivious(&self, rows: &mut [u32], out: &mut TreeBuilder<'_>) {
        let n = self.binned.rows;
        let mut nodes = vec![(0..rows.len(), self.histogram(rows))];
        let mut levels: Vec<(usize, u8)> = Vec::new();
        while levels.len() < self.params.max_depth as usize {
            let mut gains = self.no_gains();
            for (_, histogram) in &nodes {
                self.add_gains(histogram, &mut gains);
            }
            let Some(Split { feature, bin }) = best_split(&gains) else {
                break;
            };
            let bins = &self.binned.bins[feature * n..(feature + 1) * n];
            let mut children = Vec::with_capacity(nodes.len() * 2);
            for (range, histogram) in nodes {
                let node_rows = &mut rows[range.clone()];
                let left_len = partition(node_rows, |row| bins[row as usize] <= bin);
                let (left_rows, right_rows) = node_rows.split_at(left_len);
                let (left, right) = self.child_histograms(histogram, left_rows, right_rows);
                children.push((range.start..range.start + left_len, left));
                children.push((range.start + left_len..range.end, right));
            }
            nodes = children;
            levels.push((feature, bin));
        }
        let values: Vec<f64> = nodes
            .iter()
            .map(|(_, histogram)| {
                let total = node_total(histogram);
                -self.params.learning_rate * total.grad / (total.hess + self.params.l2)
            })
            .collect();
        self.emit_oblivious(&levels, &values, 0, out);
    }

    /// Adds the pre-order nodes of an oblivious tree below level `level`, whose leaves are
    /// `values` (left to right); returns the subtree's root.
    fn emit_oblivious(
        &self,
        levels: &[(usize, u8)],
        values: &[f64],
        level: usize,
        out: &mut TreeBuilder<'_>,
    ) -> u32 {
        let Some(&(feature, bin)) = levels.get(level) else {
            return out.leaf(values[0]);
        };
        let node = out.split(feature, self.binned.edges[feature][usize::from(bin)]);
        let (left_values, right_values) = values.split_at(values.len() / 2);
        let left = self.emit_oblivious(levels, left_values, level + 1, out);
        let right = self.emit_oblivious(levels, right_values, level + 1, out);
        out.link(node, left, right);
        node
    }

    /// The histograms of a node's two children: the smaller one's counted, the larger one's
    /// the parent's minus it.
    fn child_histograms(
        &self,
        parent: Vec<BinSum>,
        left_rows: &[u32],
        right_rows: &[u32],
    ) -> (Vec<BinSum>, Vec<BinSum>) {
        let left_smaller = left_rows.len() <= right_rows.len();
        let smaller = self.histogram(if left_smaller { left_rows } else { right_rows });
        let mut larger = parent;
        for (l, s) in larger.iter_mut().zip(&smaller) {
            l.grad -= s.grad;
            l.hess -= s.hess;
            l.rows -= s.rows;
        }
        if left_smaller {
            (smaller, larger)
        } else {
            (larger, smaller)
        }
    }

    /// Adds the gain of every split (feature, bin) of one node to `gains`; a split that leaves
    /// fewer than `min_samples_leaf` rows on a side adds nothing.
    fn add_gains(&self, histogram: &[BinSum], gains: &mut [f64]) {
        let l2 = self.params.l2;
        let score = |g: f64, h: f64| g * g / (h + l2);
        let total = node_total(histogram);
        let parent = score(total.grad, total.hess);
        let min_rows = self.params.min_samples_leaf;
        for (feature, (sums, gains)) in histogram
            .chunks_exact(BINS)
            .zip(gains.chunks_exact_mut(BINS))
            .enumerate()
        {
            let cuts = self.binned.edges[feature].len();
            let mut left = BinSum::default();
            for ((sum, gain), _) in sums.iter().zip(gains.iter_mut()).zip(0..cuts) {
                left.grad += sum.grad;
                left.hess += sum.hess;
                left.rows += sum.rows;
                if left.rows < min_rows || total.rows - left.rows < min_rows {
                    continue;
                }
                *gain += 0.5
                    * (score(left.grad, left.hess)
                        + score(total.grad - left.grad, total.hess - left.hess)
                        - parent);
            }
        }
    }

    /// A gain of zero for every split (feature, bin), for [`Self::add_gains`].
    fn no_gains(&self) -> Vec<f64> {
        vec![0.0; self.binned.edges.len() * BINS]
    }
}

/// The split with the largest gain (the first one on a tie), if it gains anything at all.
fn best_split(gains: &[f64]) -> Option<Split> {
    let mut best: Option<(usize, f64)> = None;
    for (at, &gain) in gains.iter().enumerate() {
        if gain > 1e-9 && best.is_none_or(|(_, top)| gain > top) {
            best = Some((at, gain));
        }
    }
    best.map(|(at, _)| Split {
        feature: at / BINS,
        bin: (at % BINS) as u8,
    })
}

/// The sums over all bins of one feature: the node's totals.
fn node_total(histogram: &[BinSum]) -> BinSum {
    histogram[..BINS]
        .iter()
        .fold(BinSum::default(), |a, b| BinSum {
            grad: a.grad + b.grad,
            hess: a.hess + b.hess,
            rows: a.rows + b.rows,
        })
}

/// Moves the rows that satisfy `goes_left` to the front; returns how many there are.
fn partition(rows: &mut [u32], goes_left: impl Fn(u32) -> bool) -> usize {
    let mut left = 0;
    for at in 0..rows.len() {
        if goes_left(rows[at]) {
            rows.swap(left, at);
            left += 1;
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xor_data() -> (Vec<f64>, Vec<bool>) {
        // XOR of two thresholds: no linear model separates it, depth-2 trees do.
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for i in 0..2_000u32 {
            let (a, b) = (f64::from(i * 7919 % 1000), f64::from(i * 104_729 % 997));
            values.extend([a, b, f64::from(i % 3)]);
            labels.push((a > 500.0) != (b > 400.0));
        }
        (values, labels)
    }

    #[test]
    fn learns_xor_and_loss_falls_every_round() {
        let (values, labels) = xor_data();
        let samples = Samples::new(&values, 3).unwrap();
        let train = LabelledSamples::new(samples, &labels).unwrap();
        for oblivious in [false, true] {
            let params = BoostingParams {
                rounds: 30,
                max_depth: 3,
                oblivious,
                ..BoostingParams::default()
            };
            let fitted = BoostedTrees::fit(&params, train, Some(train)).unwrap();
            let scores = fitted.model.predict(samples);
            let errors = scores
                .iter()
                .zip(&labels)
                .filter(|(s, y)| (**s > 0.5) != **y)
                .count();
            assert!(errors < 20, "{errors} errors, oblivious {oblivious}");
            let losses: Vec<f64> = fitted
                .steps
                .iter()
                .filter(|s| s.key == "train_log_loss")
                .map(|s| s.value)
                .collect();
            assert_eq!(losses.len(), 30);
            assert!(
                losses.windows(2).all(|w| w[1] <= w[0] + 1e-12),
                "{losses:?}"
            );
            assert_eq!(fitted.steps.len(), 60);
            assert!(fitted.model.validate().is_ok());
            assert_eq!(fitted.model.ensemble().trees(), 30);
            assert_eq!(fitted.model.ensemble().is_oblivious(), oblivious);
        }
    }

    #[test]
    fn tables_and_node_walks_sum_the_same_leaves() {
        let (values, labels) = xor_data();
        let samples = Samples::new(&values, 3).unwrap();
        let train = LabelledSamples::new(samples, &labels).unwrap();
        // Ordinary trees predict through the node walk, oblivious ones through tables; both
        // must agree with summing each tree's leaf.
        for oblivious in [false, true] {
            let params = BoostingParams {
                rounds: 10,
                max_depth: 4,
                oblivious,
                ..BoostingParams::default()
            };
            let model = BoostedTrees::fit(&params, train, None).unwrap().model;
            let trees = model.ensemble();
            let mut sums = vec![0.0; samples.rows()];
            trees.add_sums(samples, &mut sums);
            for (row, sum) in sums.iter().enumerate() {
                let by_leaf: f64 = (0..trees.trees())
                    .map(|tree| trees.leaf_value(trees.leaf_of(tree, samples.row(row))))
                    .sum();
                assert!(
                    (sum - by_leaf).abs() < 1e-9,
                    "row {row}: {sum} != {by_leaf}"
                );
            }
        }
    }

    #[test]
    fn same_seed_same_model() {
        let (values, labels) = xor_data();
        let samples = Samples::new(&values, 3).unwrap();
        let train = LabelledSamples::new(samples, &labels).unwrap();
        let params = BoostingParams {
            rounds: 5,
            subsample: 0.5,
            seed: 7,
            ..BoostingParams::default()
        };
        let a = BoostedTrees::fit(&params, train, None).unwrap().model;
        let b = BoostedTrees::fit(&params, train, None).unwrap().model;
        assert_eq!(a, b);
        let other = BoostingParams { seed: 8, ..params };
        assert_ne!(a, BoostedTrees::fit(&other, train, None).unwrap().model);
    }

    #[test]
    fn cut_points_separate_distinct_values() {
        assert_eq!(cut_points(&[0.0, 0.0, 1.0, 3.0], 255), vec![0.5, 2.0]);
        let many: Vec<f64> = (0..10_000).map(f64::from).collect();
        let cut = cut_points(&many, 16);
        assert_eq!(cut.len(), 15);
        assert!(cut.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn bad_params_are_refused() {
        let (values, labels) = xor_data();
        let samples = Samples::new(&values, 3).unwrap();
        let train = LabelledSamples::new(samples, &labels).unwrap();
        let bad = BoostingParams {
            max_bins: 300,
            ..BoostingParams::default()
        };
        assert!(BoostedTrees::fit(&bad, train, None).is_err());
    }
}

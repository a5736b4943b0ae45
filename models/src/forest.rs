//! Random forest: smartcore fits the trees, dnshunt predicts them from the flat layout of
//! [`crate::trees`].
//!
//! smartcore keeps its tree nodes private and its forest only votes for a class row by row, so
//! the fitted forest is read through its serde form (the documented, stable way it exposes its
//! structure) and rebuilt as a [`TreeEnsemble`].
//!
//! Leaves then get the share of DGA among the training rows that reach them, and the raw score
//! is the mean over trees (scikit-learn's `predict_proba`). smartcore's leaves only hold the
//! majority class, and hard votes make a poor score: with 20 trees there are 21 possible scores,
//! more than 0.1 % of benign names get all 20 votes, and no threshold reaches an FPR of 1e-3. All
//! training rows count, not only a tree's bootstrap sample (smartcore's serde form would hold the
//! in-bag flags as one JSON value per row and tree, gigabytes on real data).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use crate::classifier::{Classifier, Fitted};
use crate::error::{ModelsError, Result};
use crate::samples::{LabelledSamples, Samples};
use crate::trees::{TreeBuilder, TreeEnsemble};

/// Parameters of [`RandomForest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ForestParams {
    /// Number of trees.
    pub trees: u16,
    /// Depth limit; `None` grows until leaves are pure.
    pub max_depth: Option<u16>,
    /// Rows a leaf must keep at least.
    pub min_samples_leaf: usize,
    /// Rows a node needs to be split.
    pub min_samples_split: usize,
    /// Features tried per split; `None` is the square root of the feature count.
    pub features_per_split: Option<usize>,
    /// Seeds bootstrap samples and feature choice.
    pub seed: u64,
}

/// Defaults sized for smartcore's speed: it fits one depth-12 tree on 190,000 rows in about 10
/// seconds, single-threaded.
impl Default for ForestParams {
    fn default() -> Self {
        Self {
            trees: 30,
            max_depth: Some(12),
            min_samples_leaf: 1,
            min_samples_split: 2,
            features_per_split: None,
            seed: 0,
        }
    }
}

/// A fitted random forest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForest {
    trees: TreeEnsemble,
}

impl RandomForest {
    /// The trees.
    pub fn ensemble(&self) -> &TreeEnsemble {
        &self.trees
    }
}

fn failed(reason: impl Into<String>) -> ModelsError {
    ModelsError::Fit {
        algorithm: "random-forest",
        reason: reason.into(),
    }
}

impl Classifier for RandomForest {
    type Params = ForestParams;

    fn fit(
        params: &ForestParams,
        train: LabelledSamples<'_>,
        _validation: Option<LabelledSamples<'_>>,
    ) -> Result<Fitted<Self>> {
        let cols = train.samples.cols();
        if params.trees == 0
            || params.min_samples_leaf == 0
            || params
                .features_per_split
                .is_some_and(|m| m == 0 || m > cols)
        {
            return Err(ModelsError::InvalidInput(format!(
                "random-forest: trees and min_samples_leaf must be > 0 and features_per_split \
                 within 1..={cols}; got {params:?}"
            )));
        }
        let x = DenseMatrix::new(
            train.samples.rows(),
            cols,
            train.samples.as_slice().to_vec(),
            false,
        )
        .map_err(|err| failed(err.to_string()))?;
        let y: Vec<u32> = train.labels.iter().map(|&dga| u32::from(dga)).collect();
        let mut smartcore_params = RandomForestClassifierParameters::default()
            .with_n_trees(params.trees)
            .with_min_samples_leaf(params.min_samples_leaf)
            .with_min_samples_split(params.min_samples_split)
            .with_seed(params.seed);
        if let Some(depth) = params.max_depth {
            smartcore_params = smartcore_params.with_max_depth(depth);
        }
        if let Some(m) = params.features_per_split {
            smartcore_params = smartcore_params.with_m(m);
        }
        let forest = RandomForestClassifier::fit(&x, &y, smartcore_params)
            .map_err(|err| failed(err.to_string()))?;
        let form = serde_json::to_value(&forest).map_err(|err| failed(err.to_string()))?;
        let mut trees = flatten(&form, cols).map_err(failed)?;
        drop(form);
        leaf_fractions(&mut trees, train);
        Ok(Fitted {
            model: Self { trees },
            steps: Vec::new(),
        })
    }

    fn features(&self) -> usize {
        self.trees.features()
    }

    fn predict_into(&self, samples: Samples<'_>, out: &mut [f32]) {
        assert_eq!(out.len(), samples.rows());
        let mut votes = vec![0.0; samples.rows()];
        self.trees.add_sums(samples, &mut votes);
        let trees = self.trees.trees().max(1) as f64;
        for (score, votes) in out.iter_mut().zip(votes) {
            *score = (votes / trees) as f32;
        }
    }

    fn validate(&self) -> Result<(), String> {
        self.trees.validate()
    }
}

/// Sets every leaf to the share of DGA among the training rows reaching it (leaves no row
/// reaches keep their vote).
fn leaf_fractions(trees: &mut TreeEnsemble, train: LabelledSamples<'_>) {
    let mut counts: Vec<(u32, u32)> = vec![(0, 0); trees.nodes()];
    for tree in 0..trees.trees() {
        for (row, &dga) in train.labels.iter().enumerate() {
            let leaf = trees.leaf_of(tree, train.samples.row(row));
            counts[leaf].0 += u32::from(dga);
            counts[leaf].1 += 1;
        }
    }
    for (leaf, (dga, rows)) in counts.into_iter().enumerate() {
        if rows > 0 {
            trees.set_leaf_value(leaf, f64::from(dga) / f64::from(rows));
        }
    }
}

/// Rebuilds smartcore's serialized forest (`trees[].nodes[]`, `trees[].classes[]`) as a flat
/// ensemble, each tree in pre-order.
fn flatten(form: &Value, cols: usize) -> Result<TreeEnsemble, String> {
    let trees = form["trees"]
        .as_array()
        .ok_or("smartcore's serialized forest has no `trees` array")?;
    let mut ensemble = TreeEnsemble::new(cols);
    for tree in trees {
        let nodes = tree["nodes"]
            .as_array()
            .ok_or("a smartcore tree has no `nodes` array")?;
        let classes: Vec<u64> = tree["classes"]
            .as_array()
            .ok_or("a smartcore tree has no `classes` array")?
            .iter()
            .map(|c| c.as_u64().ok_or("a class is not an integer"))
            .collect::<Result<_, _>>()?;
        let mut builder = ensemble.tree();
        copy_node(nodes, &classes, 0, &mut builder, 0)?;
    }
    Ok(ensemble)
}

fn copy_node(
    nodes: &[Value],
    classes: &[u64],
    at: usize,
    out: &mut TreeBuilder<'_>,
    depth: usize,
) -> Result<u32, String> {
    // A fitted tree is at most a few dozen levels deep; a deeper one is not smartcore's output.
    if depth > 512 {
        return Err("smartcore tree deeper than 512 levels".to_owned());
    }
    let node = nodes
        .get(at)
        .ok_or("a smartcore node points past its tree")?;
    let child = |key: &str| node[key].as_u64().map(|c| c as usize);
    if let (Some(left), Some(right)) = (child("true_child"), child("false_child")) {
        let feature = node["split_feature"]
            .as_u64()
            .ok_or("a split without a feature")? as usize;
        let threshold = node["split_value"]
            .as_f64()
            .ok_or("a split without a value")?;
        let split = out.split(feature, threshold);
        let left = copy_node(nodes, classes, left, out, depth + 1)?;
        let right = copy_node(nodes, classes, right, out, depth + 1)?;
        out.link(split, left, right);
        return Ok(split);
    }
    let output = node["output"].as_u64().ok_or("a leaf without output")? as usize;
    let class = classes.get(output).ok_or("a leaf names an unknown class")?;
    Ok(out.leaf(if *class == 1 { 1.0 } else { 0.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_trees_vote_like_smartcore() {
        // Two noisy features; DGA when x0 + x1 is large.
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for i in 0..600u32 {
            let (a, b) = (f64::from(i * 7919 % 101), f64::from(i * 104_729 % 97));
            values.extend([a, b]);
            labels.push(a + b > 100.0);
        }
        let samples = Samples::new(&values, 2).unwrap();
        let train = LabelledSamples::new(samples, &labels).unwrap();
        let params = ForestParams {
            trees: 15,
            ..ForestParams::default()
        };
        let ours = RandomForest::fit(&params, train, None).unwrap().model;
        assert_eq!(ours.ensemble().trees(), 15);
        assert!(ours.validate().is_ok());

        let x = DenseMatrix::new(600, 2, values.clone(), false).unwrap();
        let y: Vec<u32> = labels.iter().map(|&l| u32::from(l)).collect();
        let theirs = RandomForestClassifier::fit(
            &x,
            &y,
            RandomForestClassifierParameters::default()
                .with_n_trees(15)
                .with_max_depth(20)
                .with_seed(0),
        )
        .unwrap()
        .predict(&x)
        .unwrap();
        // Leaf fractions are not votes, but on rows the forest has seen they side with the
        // majority of trees nearly always.
        let scores = ours.predict(samples);
        let agree = scores
            .iter()
            .zip(&theirs)
            .filter(|(score, vote)| u32::from(**score > 0.5) == **vote)
            .count();
        assert!(agree >= 590, "{agree} of 600");
        assert!(scores.iter().any(|s| *s > 0.0 && *s < 1.0));
    }
}

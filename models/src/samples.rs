//! Borrowed views of feature rows and their labels: what learners fit on.

use dnshunt_features::FeatureMatrix;

use crate::error::{ModelsError, Result};

/// Feature vectors, row-major, borrowed (from a [`FeatureMatrix`] or any `&[f64]`).
#[derive(Debug, Clone, Copy)]
pub struct Samples<'a> {
    values: &'a [f64],
    cols: usize,
}

impl<'a> Samples<'a> {
    /// A view of `values` as rows of `cols` features; fails unless the shape fits and every
    /// value is finite (learners would otherwise turn a NaN into a silent mis-score).
    pub fn new(values: &'a [f64], cols: usize) -> Result<Self> {
        if cols == 0 || !values.len().is_multiple_of(cols) {
            return Err(ModelsError::InvalidInput(format!(
                "{} values do not make rows of {cols} features",
                values.len()
            )));
        }
        if let Some(at) = values.iter().position(|v| !v.is_finite()) {
            return Err(ModelsError::InvalidInput(format!(
                "feature {} of row {} is not a finite number",
                at % cols,
                at / cols
            )));
        }
        Ok(Self { values, cols })
    }

    /// A view of rows the caller made finite by construction (no scan).
    ///
    /// # Panics
    /// If `values` do not make rows of `cols`.
    pub(crate) fn finite(values: &'a [f64], cols: usize) -> Self {
        assert!(
            cols > 0 && values.len().is_multiple_of(cols),
            "rows of {cols} values"
        );
        Self { values, cols }
    }

    /// A view of a feature matrix (its values are finite by construction).
    pub fn of(matrix: &'a FeatureMatrix) -> Self {
        Self {
            values: matrix.as_slice(),
            cols: matrix.cols(),
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len() / self.cols
    }

    /// Number of features per row.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `index`; panics past the end, like slice indexing.
    pub fn row(&self, index: usize) -> &'a [f64] {
        &self.values[index * self.cols..(index + 1) * self.cols]
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &'a [f64] {
        self.values
    }
}

/// Feature rows with their labels (`true` = DGA), checked to match in length and hold both classes.
#[derive(Debug, Clone, Copy)]
pub struct LabelledSamples<'a> {
    /// The features.
    pub samples: Samples<'a>,
    /// One label per row.
    pub labels: &'a [bool],
}

impl<'a> LabelledSamples<'a> {
    /// Pairs rows with labels; fails on a length mismatch or when a class is missing.
    pub fn new(samples: Samples<'a>, labels: &'a [bool]) -> Result<Self> {
        if samples.rows() != labels.len() {
            return Err(ModelsError::InvalidInput(format!(
                "{} feature rows but {} labels",
                samples.rows(),
                labels.len()
            )));
        }
        let positives = labels.iter().filter(|&&l| l).count();
        if positives == 0 || positives == labels.len() {
            return Err(ModelsError::InvalidInput(format!(
                "training needs both benign and DGA rows; got {positives} DGA of {}",
                labels.len()
            )));
        }
        Ok(Self { samples, labels })
    }
}

/// A small, seedable generator for row subsampling and shuffling (`SplitMix64`, a public domain
/// algorithm).
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    /// The next number, uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

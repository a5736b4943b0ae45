//! Ranking and threshold metrics over scores and labels (`true` = DGA): ROC and precision-recall
//! curves and areas, recall at a false positive rate, thresholds, confusion matrices, recall per
//! family.
//!
//! Tied scores are handled as one threshold step everywhere: a tie between a benign and a DGA
//! name counts half in the ROC AUC (the Mann–Whitney statistic) and moves the ROC curve
//! diagonally, so no metric depends on the order of tied rows.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Cumulative counts after all rows scoring at least `threshold`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    threshold: f32,
    true_positives: usize,
    false_positives: usize,
}

/// Positives, negatives and one [`Step`] per distinct score, highest score first.
fn steps(scores: &[f32], labels: &[bool]) -> (usize, usize, Vec<Step>) {
    let mut order: Vec<usize> = (0..scores.len().min(labels.len())).collect();
    order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let positives = order.iter().filter(|&&i| labels[i]).count();
    let mut out: Vec<Step> = Vec::new();
    let (mut tp, mut fp) = (0, 0);
    for (at, &i) in order.iter().enumerate() {
        if labels[i] {
            tp += 1;
        } else {
            fp += 1;
        }
        let last_of_group = order
            .get(at + 1)
            .is_none_or(|&next| scores[next] != scores[i]);
        if last_of_group {
            out.push(Step {
                threshold: scores[i],
                true_positives: tp,
                false_positives: fp,
            });
        }
    }
    (positives, order.len() - positives, out)
}

/// Area under the ROC curve, or `None` when a class is missing.
pub fn roc_auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    let (positives, negatives, steps) = steps(scores, labels);
    if positives == 0 || negatives == 0 {
        return None;
    }
    // Trapezoids between consecutive steps: exact for ties (they count half).
    let (mut area, mut tp, mut fp) = (0.0, 0usize, 0usize);
    for step in steps {
        let dfp = (step.false_positives - fp) as f64;
        area += dfp * (tp + step.true_positives) as f64 / 2.0;
        (tp, fp) = (step.true_positives, step.false_positives);
    }
    Some(area / (positives as f64 * negatives as f64))
}

/// Area under the precision-recall curve as average precision (precision at each threshold,
/// weighted by the recall it adds), or `None` without DGA rows.
pub fn pr_auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    let (positives, _, steps) = steps(scores, labels);
    if positives == 0 {
        return None;
    }
    let (mut area, mut tp) = (0.0, 0usize);
    for step in steps {
        let precision =
            step.true_positives as f64 / (step.true_positives + step.false_positives) as f64;
        area += (step.true_positives - tp) as f64 * precision;
        tp = step.true_positives;
    }
    Some(area / positives as f64)
}

/// One point of a ROC or precision-recall curve: rows scoring at least `threshold` are DGA.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// The score threshold.
    pub threshold: f32,
    /// False positive rate.
    pub fpr: f64,
    /// True positive rate (recall).
    pub tpr: f64,
    /// Precision.
    pub precision: f64,
}

/// The ROC and precision-recall curve in one list, highest threshold first, thinned to at most
/// about `max_points` points: every point below a false positive rate of 1 % is kept (where the
/// thresholds of interest live, for log-scale plots), the rest where the curve has moved by more
/// than `1 / max_points` in either rate.
pub fn curve(scores: &[f32], labels: &[bool], max_points: usize) -> Vec<CurvePoint> {
    let (positives, negatives, steps) = steps(scores, labels);
    if positives == 0 || negatives == 0 {
        return Vec::new();
    }
    let resolution = 1.0 / max_points.max(1) as f64;
    let mut out: Vec<CurvePoint> = Vec::new();
    let last = steps.len() - 1;
    for (at, step) in steps.iter().enumerate() {
        let point = CurvePoint {
            threshold: step.threshold,
            fpr: step.false_positives as f64 / negatives as f64,
            tpr: step.true_positives as f64 / positives as f64,
            precision: step.true_positives as f64
                / (step.true_positives + step.false_positives) as f64,
        };
        let moved = out.last().is_none_or(|previous| {
            (point.fpr - previous.fpr).abs() > resolution
                || (point.tpr - previous.tpr).abs() > resolution
        });
        if at == last || point.fpr < 0.01 || moved {
            out.push(point);
        }
    }
    out
}

/// The highest recall any threshold reaches on these rows without exceeding `max_fpr` (the
/// curve's own best; a threshold chosen elsewhere is judged by [`confusion`]).
pub fn recall_at_fpr(scores: &[f32], labels: &[bool], max_fpr: f64) -> Option<f64> {
    let (positives, negatives, steps) = steps(scores, labels);
    if positives == 0 || negatives == 0 {
        return None;
    }
    let allowed = (max_fpr * negatives as f64).floor() as usize;
    let best = steps
        .iter()
        .take_while(|s| s.false_positives <= allowed)
        .map(|s| s.true_positives)
        .last()
        .unwrap_or(0);
    Some(best as f64 / positives as f64)
}

/// The lowest threshold at which at most `max_fpr` of the benign rows score at or above it
/// (`score >= threshold` is DGA). With N benign rows that allows `floor(max_fpr * N)` false
/// positives; when that is 0, the threshold sits just above the highest benign score.
pub fn threshold_for_fpr(scores: &[f32], labels: &[bool], max_fpr: f64) -> Option<f32> {
    let mut benign: Vec<f32> = scores
        .iter()
        .zip(labels)
        .filter(|(_, y)| !**y)
        .map(|(s, _)| *s)
        .collect();
    if benign.is_empty() {
        return None;
    }
    benign.sort_unstable_by(|a, b| b.total_cmp(a));
    let allowed = (max_fpr * benign.len() as f64).floor() as usize;
    // The (allowed + 1)-th highest benign score must fall below the threshold.
    Some(
        benign
            .get(allowed)
            .map_or(f32::MIN_POSITIVE, |s| s.next_up()),
    )
}

/// Counts at one threshold (`score >= threshold` is DGA).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// DGA rows flagged.
    pub true_positives: usize,
    /// Benign rows flagged.
    pub false_positives: usize,
    /// Benign rows passed.
    pub true_negatives: usize,
    /// DGA rows passed.
    pub false_negatives: usize,
}

impl Confusion {
    /// Share of DGA rows flagged.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Share of benign rows flagged.
    pub fn fpr(&self) -> f64 {
        ratio(
            self.false_positives,
            self.false_positives + self.true_negatives,
        )
    }

    /// Share of flagged rows that are DGA.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The confusion matrix at `threshold`.
pub fn confusion(scores: &[f32], labels: &[bool], threshold: f32) -> Confusion {
    let mut counts = Confusion::default();
    for (&score, &dga) in scores.iter().zip(labels) {
        match (dga, score >= threshold) {
            (true, true) => counts.true_positives += 1,
            (true, false) => counts.false_negatives += 1,
            (false, true) => counts.false_positives += 1,
            (false, false) => counts.true_negatives += 1,
        }
    }
    counts
}

/// Recall of one DGA family (or the flag rate of `benign`) at a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyRecall {
    /// Family name; `benign` for the benign rows.
    pub family: String,
    /// Whether the caller counts it as dictionary-style.
    pub dictionary_style: bool,
    /// Rows of the family.
    pub rows: usize,
    /// Rows at or above the threshold.
    pub flagged: usize,
    /// `flagged / rows`: recall for a DGA family, false positive rate for `benign`.
    pub rate: f64,
}

/// Flag rates per family at `threshold`, sorted by family name.
pub fn family_recall(
    scores: &[f32],
    families: &[String],
    threshold: f32,
    dictionary_families: &BTreeSet<String>,
) -> Vec<FamilyRecall> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (score, family) in scores.iter().zip(families) {
        let entry = counts.entry(family.as_str()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(*score >= threshold);
    }
    counts
        .into_iter()
        .map(|(family, (rows, flagged))| FamilyRecall {
            family: family.to_owned(),
            dictionary_style: dictionary_families.contains(family),
            rows,
            flagged,
            rate: ratio(flagged, rows),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Mann–Whitney statistic by comparing every pair.
    fn brute_force_auc(scores: &[f32], labels: &[bool]) -> f64 {
        let (mut wins, mut pairs) = (0.0, 0.0);
        for (i, &si) in scores.iter().enumerate() {
            for (j, &sj) in scores.iter().enumerate() {
                if labels[i] && !labels[j] {
                    pairs += 1.0;
                    wins += if si > sj {
                        1.0
                    } else if si == sj {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        wins / pairs
    }

    /// A pseudo-random set with many ties (scores on a coarse grid).
    fn sample(n: u32, grid: u32) -> (Vec<f32>, Vec<bool>) {
        let mut scores = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let h = i.wrapping_mul(2_654_435_761) >> 8;
            let dga = h % 3 == 0;
            let noise = (h >> 4) % grid;
            let shift = if dga { grid / 3 } else { 0 };
            scores.push(((noise + shift).min(grid)) as f32 / grid as f32);
            labels.push(dga);
        }
        (scores, labels)
    }

    #[test]
    fn roc_auc_matches_brute_force_with_ties() {
        for (n, grid) in [(300, 7), (500, 50), (800, 1000)] {
            let (scores, labels) = sample(n, grid);
            let fast = roc_auc(&scores, &labels).unwrap();
            let slow = brute_force_auc(&scores, &labels);
            assert!((fast - slow).abs() < 1e-12, "{fast} vs {slow}");
            assert!(fast > 0.5 && fast < 1.0, "{fast}");
        }
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(roc_auc(&[0.1, 0.9], &[false, true]), Some(1.0));
        assert_eq!(roc_auc(&[0.5, 0.5], &[false, true]), Some(0.5));
    }

    #[test]
    fn pr_auc_is_average_precision() {
        // Ranked: D B D B -> precision 1 at recall .5, 2/3 at recall 1.
        let scores = [0.9, 0.8, 0.7, 0.6];
        let labels = [true, false, true, false];
        let ap = pr_auc(&scores, &labels).unwrap();
        assert!((ap - (0.5 * 1.0 + 0.5 * 2.0 / 3.0)).abs() < 1e-12);
        assert_eq!(pr_auc(&[0.9, 0.1], &[true, false]), Some(1.0));
    }

    #[test]
    fn thresholds_respect_the_false_positive_budget() {
        // 1000 benign at 0.000..0.999, 100 DGA at 0.95..0.9995.
        let mut scores: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
        let mut labels = vec![false; 1000];
        scores.extend((0..100).map(|i| 0.95 + i as f32 / 2000.0));
        labels.extend([true; 100]);
        // Budget of one false positive: the second-highest benign score (0.998) must pass.
        let t = threshold_for_fpr(&scores, &labels, 1e-3).unwrap();
        assert!(t > 0.998 && t <= 0.999, "{t}");
        let c = confusion(&scores, &labels, t);
        assert_eq!(c.false_positives, 1);
        assert!(c.fpr() <= 1e-3);
        assert_eq!(c.true_positives + c.false_negatives, 100);
        // Budget of zero: above every benign score.
        let strict = threshold_for_fpr(&scores, &labels, 1e-4).unwrap();
        assert_eq!(confusion(&scores, &labels, strict).false_positives, 0);
        // The curve's best recall at that budget agrees with the threshold's recall here.
        let best = recall_at_fpr(&scores, &labels, 1e-3).unwrap();
        assert!((best - c.recall()).abs() < 1e-12, "{best} {}", c.recall());
    }

    #[test]
    fn curve_runs_from_strict_to_lenient() {
        let (scores, labels) = sample(2000, 500);
        let points = curve(&scores, &labels, 100);
        assert!(points.len() > 10 && points.len() < 400, "{}", points.len());
        assert!(points.windows(2).all(|w| w[0].threshold > w[1].threshold
            && w[0].fpr <= w[1].fpr
            && w[0].tpr <= w[1].tpr));
        let last = points.last().unwrap();
        assert_eq!((last.fpr, last.tpr), (1.0, 1.0));
    }

    #[test]
    fn family_rates_count_flags() {
        let scores = [0.9, 0.1, 0.8, 0.2, 0.95];
        let families: Vec<String> = ["necurs", "necurs", "dict_pair", "benign", "benign"]
            .map(str::to_owned)
            .to_vec();
        let dictionary = BTreeSet::from(["dict_pair".to_owned()]);
        let rates = family_recall(&scores, &families, 0.5, &dictionary);
        let by_name = |name: &str| rates.iter().find(|r| r.family == name).unwrap();
        assert_eq!(by_name("necurs").rate, 0.5);
        assert!(by_name("dict_pair").dictionary_style);
        assert_eq!(by_name("benign").flagged, 1);
    }
}

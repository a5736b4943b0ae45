//! The self-contained HTML comparison report of `dnshunt-train compare`: metrics side by side,
//! ROC and precision-recall curves as inline SVG, per-family recall, confusion matrices,
//! throughput and the families each model was trained on.
//!
//! Every value from a model or a user file reaches the page through the template engine's HTML
//! escaping; the SVG comes from plotters, which escapes its own text.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use minijinja::{Environment, context};
use plotters::prelude::*;
use serde::Serialize;

/// One compared model, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSummary {
    /// How the user named it (`dga/3`, a run id).
    pub name: String,
    /// Algorithm id.
    pub algorithm: String,
    /// Parameters, flattened to text.
    pub params: Vec<(String, String)>,
    /// Dataset manifest hash it was trained and tested on.
    pub dataset: String,
    /// ROC AUC on the test split.
    pub roc_auc: f64,
    /// Precision-recall AUC on the test split.
    pub pr_auc: f64,
    /// `(target FPR, threshold, recall, measured FPR)` at each chosen operating point.
    pub operating_points: Vec<(f64, f64, f64, f64)>,
    /// `(family, recall at FPR 1e-3, test rows, dictionary style)`.
    pub per_family: Vec<(String, f64, usize, bool)>,
    /// `[[true negatives, false positives], [false negatives, true positives]]` at FPR 1e-3.
    pub confusion: [[u64; 2]; 2],
    /// Names scored per second (features included), one core.
    pub names_per_second: f64,
    /// ROC curve points `(FPR, TPR)`.
    pub roc: Vec<(f64, f64)>,
    /// Precision-recall curve points `(recall, precision)`.
    pub pr: Vec<(f64, f64)>,
    /// DGA families in its training data.
    pub trained_on: Vec<String>,
}

/// Colours of the compared models, in order.
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

const TEMPLATE: &str = include_str!("report.html");

/// Renders the report.
pub fn render(models: &[ModelSummary], generated: &str) -> Result<String> {
    let roc = plot(
        models,
        "ROC (log FPR)",
        "false positive rate",
        "true positive rate",
        |m| &m.roc,
        true,
    )?;
    let pr = plot(
        models,
        "Precision-recall",
        "recall",
        "precision",
        |m| &m.pr,
        false,
    )?;
    let families: BTreeSet<(bool, &str)> = models
        .iter()
        .flat_map(|m| m.per_family.iter().map(|f| (f.3, f.0.as_str())))
        .collect();
    let family_rows: Vec<_> = families
        .iter()
        .map(|&(dictionary, family)| {
            let cells: Vec<_> = models
                .iter()
                .map(|m| {
                    let found = m.per_family.iter().find(|f| f.0 == family);
                    context! {
                        recall => found.map(|f| format!("{:.1}%", f.1 * 100.0)),
                        rows => found.map(|f| f.2),
                        trained => m.trained_on.iter().any(|t| t == family),
                    }
                })
                .collect();
            context! { family, dictionary, cells }
        })
        .collect();
    let views: Vec<_> = models
        .iter()
        .enumerate()
        .map(|(index, m)| {
            let c = PALETTE[index % PALETTE.len()];
            context! {
                name => m.name,
                colour => format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2),
                algorithm => m.algorithm,
                params => m.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "),
                dataset => m.dataset,
                roc_auc => format!("{:.4}", m.roc_auc),
                pr_auc => format!("{:.4}", m.pr_auc),
                operating_points => m.operating_points.iter().map(|&(target, threshold, recall, fpr)| {
                    context! {
                        target => format!("{target:.0e}"),
                        threshold => format!("{threshold:.4}"),
                        recall => format!("{:.2}%", recall * 100.0),
                        fpr => format!("{fpr:.1e}"),
                    }
                }).collect::<Vec<_>>(),
                confusion => m.confusion,
                throughput => format!("{:.0}", m.names_per_second),
                trained_on => m.trained_on,
            }
        })
        .collect();
    let mut env = Environment::new();
    // The `.html` name turns on HTML auto-escaping.
    env.add_template("report.html", TEMPLATE)?;
    let page = env.get_template("report.html")?.render(context! {
        models => views,
        roc_svg => roc,
        pr_svg => pr,
        family_rows,
        generated,
    })?;
    Ok(page)
}

/// One chart with a line per model.
fn plot(
    models: &[ModelSummary],
    title: &str,
    x_label: &str,
    y_label: &str,
    points: impl Fn(&ModelSummary) -> &Vec<(f64, f64)>,
    log_x: bool,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, 420)).into_drawing_area();
        root.fill(&WHITE).context("drawing the chart")?;
        let mut builder = ChartBuilder::on(&root);
        builder
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50);
        if log_x {
            let mut chart = builder
                .build_cartesian_2d((1e-5f64..1f64).log_scale(), 0f64..1.001f64)
                .context("drawing the chart")?;
            chart
                .configure_mesh()
                .x_desc(x_label)
                .y_desc(y_label)
                .draw()
                .context("drawing the chart")?;
            for (index, model) in models.iter().enumerate() {
                let colour = PALETTE[index % PALETTE.len()];
                let series = points(model).iter().map(|&(x, y)| (x.max(1e-5), y));
                chart
                    .draw_series(LineSeries::new(series, colour.stroke_width(2)))
                    .context("drawing the chart")?
                    .label(model.name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .context("drawing the chart")?;
        } else {
            let mut chart = builder
                .build_cartesian_2d(0f64..1.001f64, 0f64..1.001f64)
                .context("drawing the chart")?;
            chart
                .configure_mesh()
                .x_desc(x_label)
                .y_desc(y_label)
                .draw()
                .context("drawing the chart")?;
            for (index, model) in models.iter().enumerate() {
                let colour = PALETTE[index % PALETTE.len()];
                chart
                    .draw_series(LineSeries::new(
                        points(model).iter().copied(),
                        colour.stroke_width(2),
                    ))
                    .context("drawing the chart")?
                    .label(model.name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerLeft)
                .draw()
                .context("drawing the chart")?;
        }
        root.present().context("drawing the chart")?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str) -> ModelSummary {
        ModelSummary {
            name: name.to_owned(),
            algorithm: "random-forest".to_owned(),
            params: vec![("trees".to_owned(), "100".to_owned())],
            dataset: "abc".to_owned(),
            roc_auc: 0.999,
            pr_auc: 0.998,
            operating_points: vec![(1e-3, 0.9, 0.97, 0.0009)],
            per_family: vec![
                ("necurs".to_owned(), 1.0, 500, false),
                ("dict-pair".to_owned(), 0.8, 500, true),
            ],
            confusion: [[11990, 12], [300, 11000]],
            names_per_second: 1.5e6,
            roc: vec![(0.0, 0.0), (1e-4, 0.9), (1e-3, 0.97), (1.0, 1.0)],
            pr: vec![(0.0, 1.0), (0.97, 0.999), (1.0, 0.5)],
            trained_on: vec!["necurs".to_owned(), "dict-pair".to_owned()],
        }
    }

    #[test]
    fn every_model_is_in_the_report_and_hostile_names_are_escaped() {
        let page = render(
            &[model("dga/1"), model("<script>alert(1)</script>")],
            "2026-11-28",
        )
        .unwrap();
        assert!(page.contains("dga/1"));
        assert!(!page.contains("<script>alert"), "unescaped name");
        assert!(page.contains("&lt;script&gt;"));
        assert_eq!(page.matches("<svg").count(), 2);
        assert!(page.contains("necurs") && page.contains("dict-pair"));
        assert!(page.contains("0.9990"));
    }
}

//! The report's charts as inline SVG, drawn with plotters: findings over time by severity, and
//! the DGA score distribution of the observed names with the model's threshold.
//!
//! No text from a log or a finding is drawn: captions, axis labels and legends are fixed words,
//! severities, times and numbers. (plotters' SVG backend also escapes `<`, `>`, `&` and quotes in
//! text and attributes, but the page does not rely on it.)

use anyhow::{Context, Result};
use dnshunt_lake::{Finding, Severity};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{SCORE_BINS, ScoreHistogram};

/// Microseconds in an hour.
const HOUR: i64 = 3_600_000_000;
/// At most this many bars on the timeline; wider bars when the findings span longer.
const MAX_BARS: i64 = 200;
/// The axis spans at least this many bars, so a short timeline gets whole-bar ticks.
const MIN_AXIS_BARS: usize = 12;
/// Bar widths to pick from, in hours.
const BAR_HOURS: [i64; 8] = [1, 2, 3, 6, 12, 24, 24 * 7, 24 * 30];

/// The colour of each severity, in the order of [`Severity::ALL`] (the page's CSS uses the same).
const SEVERITY_COLOURS: [RGBColor; 5] = [
    RGBColor(123, 31, 162),
    RGBColor(211, 47, 47),
    RGBColor(245, 124, 0),
    RGBColor(251, 192, 45),
    RGBColor(120, 144, 156),
];

/// Findings over time, stacked by severity, most severe at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The chart.
    pub svg: String,
    /// Hours each bar covers.
    pub bar_hours: i64,
}

/// Findings per hour (or per wider bar over a long span) by severity; `None` without findings.
pub fn timeline(findings: &[Finding]) -> Result<Option<Timeline>> {
    let (Some(start), Some(end)) = (
        findings.iter().map(|f| f.event_time).min(),
        findings.iter().map(|f| f.event_time).max(),
    ) else {
        return Ok(None);
    };
    let span_hours = end.div_euclid(HOUR) - start.div_euclid(HOUR) + 1;
    let bar_hours = BAR_HOURS
        .into_iter()
        .find(|hours| bars_needed(span_hours, *hours) <= MAX_BARS)
        .unwrap_or_else(|| bars_needed(span_hours, MAX_BARS));
    let bar = bar_hours * HOUR;
    let first = start.div_euclid(bar);
    let bars = usize::try_from(end.div_euclid(bar) - first + 1).unwrap_or(1);
    // counts[bar][severity], severities in the order of Severity::ALL.
    let mut counts = vec![[0u64; 5]; bars];
    for f in findings {
        let index = usize::try_from(f.event_time.div_euclid(bar) - first).unwrap_or(0);
        let severity = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(4);
        if let Some(row) = counts.get_mut(index) {
            row[severity] += 1;
        }
    }
    let tallest = counts
        .iter()
        .map(|row| row.iter().sum::<u64>())
        .max()
        .unwrap_or(1);
    let label = move |x: &f64| {
        let micros = (first as f64 + x.floor()) as i64 * bar;
        let format = if bar_hours < 24 {
            "%m-%d %H:00"
        } else {
            "%Y-%m-%d"
        };
        chrono::DateTime::from_timestamp_micros(micros)
            .map_or_else(String::new, |t| t.format(format).to_string())
    };
    let padding = MIN_AXIS_BARS.saturating_sub(bars);
    let x_range = -((padding / 2) as f64)..(bars + padding - padding / 2) as f64;
    let svg = draw((900, 360), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(caption(bar_hours), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(x_range, 0u64..tallest + tallest.div_ceil(8))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(8)
            .x_label_formatter(&label)
            .x_desc("time (UTC)")
            .y_desc("findings")
            .draw()?;
        let mut below = vec![0u64; bars];
        for (severity_index, severity) in Severity::ALL.iter().enumerate() {
            if counts.iter().all(|row| row[severity_index] == 0) {
                continue;
            }
            let colour = SEVERITY_COLOURS[severity_index];
            let mut bars_of_severity = Vec::new();
            for (index, row) in counts.iter().enumerate() {
                let n = row[severity_index];
                if n > 0 {
                    let x = index as f64;
                    bars_of_severity.push(Rectangle::new(
                        [(x + 0.1, below[index]), (x + 0.9, below[index] + n)],
                        colour.filled(),
                    ));
                    below[index] += n;
                }
            }
            chart
                .draw_series(bars_of_severity)?
                .label(severity.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        Ok(())
    })?;
    Ok(Some(Timeline { svg, bar_hours }))
}

/// `hours / per_bar`, rounded up (both positive).
fn bars_needed(hours: i64, per_bar: i64) -> i64 {
    (hours + per_bar - 1) / per_bar
}

fn caption(bar_hours: i64) -> String {
    match bar_hours {
        1 => "Findings per hour".to_owned(),
        24 => "Findings per day".to_owned(),
        hours if hours % 24 == 0 => format!("Findings per {} days", hours / 24),
        hours => format!("Findings per {hours} hours"),
    }
}

/// A histogram of the names' DGA scores on a log-scale count axis, with the threshold as a
/// vertical line; `None` when no name was scored.
pub fn score_histogram(histogram: &ScoreHistogram) -> Result<Option<String>> {
    let Some(&most) = histogram.bins.iter().max().filter(|most| **most > 0) else {
        return Ok(None);
    };
    // Bars stand on 0.5 so a bin of one name still shows on the log axis.
    let floor = 0.5f64;
    let top = most as f64 * 2.0;
    let width = 1.0 / SCORE_BINS as f64;
    let threshold = histogram.threshold.clamp(0.0, 1.0);
    let svg = draw((900, 360), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "DGA score of the distinct names in events",
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..1f64, (floor..top).log_scale())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(11)
            .x_label_formatter(&|x| format!("{x:.1}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc("DGA score")
            .y_desc("names (log scale)")
            .draw()?;
        let bars = histogram
            .bins
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(bin, &n)| {
                let x = bin as f64 * width;
                Rectangle::new(
                    [(x + width * 0.05, floor), (x + width * 0.95, n as f64)],
                    RGBColor(31, 119, 180).filled(),
                )
            });
        chart
            .draw_series(bars)?
            .label("distinct names")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 10, y + 5)],
                    RGBColor(31, 119, 180).filled(),
                )
            });
        chart
            .draw_series(LineSeries::new(
                [(threshold, floor), (threshold, top)],
                RED.stroke_width(2),
            ))?
            .label(format!("threshold {threshold:.3}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED.stroke_width(2)));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperMiddle)
            .draw()?;
        Ok(())
    })?;
    Ok(Some(svg))
}

/// Runs `paint` on a white SVG canvas of `size` pixels and returns the SVG text.
fn draw(
    size: (u32, u32),
    paint: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), Box<dyn std::error::Error>>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).context("drawing a chart")?;
        paint(&root).map_err(|e| anyhow::anyhow!("drawing a chart: {e}"))?;
        root.present().context("drawing a chart")?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::view::tests::finding;

    #[test]
    fn the_timeline_stacks_findings_by_hour_and_widens_bars_over_long_spans() {
        assert_eq!(timeline(&[]).unwrap(), None);
        let mut findings = vec![
            finding(Severity::Critical, "dga_domain", None, "a.cf"),
            finding(Severity::Low, "newly_seen", None, "b.com"),
        ];
        let chart = timeline(&findings).unwrap().unwrap();
        assert_eq!(chart.bar_hours, 1);
        assert!(chart.svg.starts_with("<svg") && chart.svg.contains("Findings per hour"));
        assert!(chart.svg.contains("critical") && chart.svg.contains("low"));
        assert!(
            !chart.svg.contains("medium"),
            "only severities with findings are in the legend"
        );

        findings[1].event_time += 60 * 24 * HOUR;
        let chart = timeline(&findings).unwrap().unwrap();
        assert_eq!(chart.bar_hours, 12);
        assert!(chart.svg.contains("Findings per 12 hours"));
    }

    #[test]
    fn the_histogram_draws_the_threshold() {
        let mut histogram = ScoreHistogram {
            bins: vec![0; SCORE_BINS],
            above: 0,
            threshold: 0.83,
        };
        assert_eq!(score_histogram(&histogram).unwrap(), None);
        histogram.bins[0] = 900;
        histogram.bins[19] = 1;
        let svg = score_histogram(&histogram).unwrap().unwrap();
        assert!(svg.contains("threshold 0.830"));
        assert!(svg.contains("names (log scale)"));
    }
}

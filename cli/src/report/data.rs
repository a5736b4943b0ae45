//! What the report reads from the lake besides the findings: the events' extent and the DGA
//! score distribution of their distinct names.

use std::path::Path;

use anyhow::{Context, Result};
use dnshunt_lake::Functions;
use dnshunt_lake::detect::columns;

/// Bins of the score histogram, each `1 / SCORE_BINS` wide.
pub const SCORE_BINS: usize = 20;

/// How many events the lake holds and when they happened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventSummary {
    /// Rows of `events`.
    pub events: u64,
    /// The first and last event time, microseconds since the epoch, UTC; `None` without events.
    pub span: Option<(i64, i64)>,
}

/// The DGA scores of the distinct valid names in `events`, binned.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreHistogram {
    /// Names per bin, `SCORE_BINS` of them, lowest scores first.
    pub bins: Vec<u64>,
    /// Names scoring at or above the threshold.
    pub above: u64,
    /// The model's default threshold.
    pub threshold: f64,
}

impl ScoreHistogram {
    /// Every name scored.
    pub fn names(&self) -> u64 {
        self.bins.iter().sum()
    }
}

/// Counts and time span of `events`.
pub fn event_summary(home: &Path) -> Result<EventSummary> {
    let sql = "SELECT count(*) AS events, min(event_time) AS first_time, max(event_time) AS last_time \
               FROM events";
    let batches = dnshunt_lake::sql(home, sql, &Functions::new()).context("counting events")?;
    let mut summary = EventSummary::default();
    for batch in &batches {
        let events = columns::integers(batch, "events")?;
        let first = columns::micros(batch, "first_time")?;
        let last = columns::micros(batch, "last_time")?;
        if let (Some(&n), Some(&first), Some(&last)) = (events.first(), first.first(), last.first())
            && n > 0
        {
            summary.events = u64::try_from(n).unwrap_or(0);
            summary.span = Some((first, last));
        }
    }
    Ok(summary)
}

/// The score histogram of the distinct valid names of `events`, scored by the model of
/// `functions` (the binning happens in SQL, so only the counts leave the query).
pub fn score_histogram(
    home: &Path,
    functions: &Functions,
    threshold: f64,
) -> Result<ScoreHistogram> {
    let sql = format!(
        "SELECT bin, count(*) AS names, sum(above) AS above FROM ( \
           SELECT CAST(floor(score * {SCORE_BINS}) AS BIGINT) AS bin, \
                  CASE WHEN score >= {threshold} THEN 1 ELSE 0 END AS above \
           FROM (SELECT dga_score(query) AS score \
                 FROM (SELECT DISTINCT query FROM events WHERE is_valid_name) AS names) AS scored \
           WHERE score IS NOT NULL) AS binned \
         GROUP BY bin"
    );
    let batches =
        dnshunt_lake::sql(home, &sql, functions).context("scoring the names of events")?;
    let mut histogram = ScoreHistogram {
        bins: vec![0; SCORE_BINS],
        above: 0,
        threshold,
    };
    for batch in &batches {
        let bins = columns::integers(batch, "bin")?;
        let names = columns::integers(batch, "names")?;
        let above = columns::integers(batch, "above")?;
        for ((bin, names), above) in bins.into_iter().zip(names).zip(above) {
            // A score of exactly 1 belongs to the last bin.
            let index = usize::try_from(bin).unwrap_or(0).min(SCORE_BINS - 1);
            histogram.bins[index] += u64::try_from(names).unwrap_or(0);
            histogram.above += u64::try_from(above).unwrap_or(0);
        }
    }
    Ok(histogram)
}

//! The self-contained HTML report of `dnshunt report`: findings counted by severity and detector,
//! the findings themselves grouped by severity with their evidence, a timeline, the affected
//! clients and the DGA score distribution of the observed names.
//!
//! Safety rules (the page shows text that attackers can put in DNS logs):
//! - every value reaches the page through minijinja with HTML auto-escaping on, whatever the
//!   template's name; control and invisible characters are first made visible ([`text`]);
//! - the only unescaped values are the SVG charts, which hold no text from logs or findings;
//! - the page has no script and no external resource, and its Content-Security-Policy forbids
//!   both, so even an escaping bug could not run code or call out.

pub mod charts;
pub mod data;
pub mod view;

use anyhow::{Context, Result};
use dnshunt_lake::Finding;
use dnshunt_lake::detect::combine::iso_time;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};

use data::{EventSummary, ScoreHistogram};

use crate::visible::visible;

const TEMPLATE: &str = include_str!("report.html");

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// Every finding, most severe first (as `read_findings` returns them).
    pub findings: &'a [Finding],
    /// Show only this many of the most severe findings in the findings table.
    pub top: Option<usize>,
    /// The events' extent.
    pub events: EventSummary,
    /// The DGA scores of the observed names.
    pub scores: ScoreHistogram,
    /// The lake's folder, for the footer.
    pub lake: String,
    /// The DGA model behind the scores (`dga/3`, `builtin`).
    pub model_version: String,
    /// When the report was made, for the footer.
    pub generated: String,
}

/// The report as one HTML page.
pub fn render(report: &Report) -> Result<String> {
    let findings = report.findings;
    let timeline = charts::timeline(findings)?;
    let scores_svg = charts::score_histogram(&report.scores)?;
    let groups = view::groups(findings, report.top);
    let shown: usize = groups.iter().map(|g| g.findings.len()).sum();
    let (first_event, last_event) = report.events.span.map_or((None, None), |(first, last)| {
        (Some(iso_time(first)), Some(iso_time(last)))
    });

    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("report.html", TEMPLATE)
        .context("loading the report template")?;
    let page = env
        .get_template("report.html")?
        .render(context! {
            total => findings.len(),
            shown,
            severities => view::by_severity(findings),
            detectors => view::by_detector(findings),
            groups,
            clients => view::clients(findings),
            timeline_svg => timeline.as_ref().map(|t| t.svg.as_str()),
            events => report.events.events,
            first_event,
            last_event,
            names => report.scores.names(),
            above => report.scores.above,
            threshold => format!("{:.3}", report.scores.threshold),
            scores_svg,
            lake => visible(&report.lake),
            model_version => visible(&report.model_version),
            generated => visible(&report.generated),
            version => env!("CARGO_PKG_VERSION"),
        })
        .context("rendering the report")?;
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dnshunt_lake::Severity;
    use view::tests::finding;

    fn report(findings: &[Finding]) -> Report<'_> {
        let mut bins = vec![0; data::SCORE_BINS];
        bins[1] = 40;
        bins[18] = 2;
        Report {
            findings,
            top: None,
            events: EventSummary {
                events: 1234,
                span: Some((1_700_000_000_000_000, 1_700_003_600_000_000)),
            },
            scores: ScoreHistogram {
                bins,
                above: 2,
                threshold: 0.87,
            },
            lake: "/tmp/home/lake".to_owned(),
            model_version: "dga/2".to_owned(),
            generated: "2026-11-28T10:00:00Z".to_owned(),
        }
    }

    fn hostile() -> Finding {
        let mut f = finding(
            Severity::Critical,
            "dga_domain<script>alert(1)</script>",
            Some("<script>alert(1)</script>"),
            "\"><img src=x onerror=alert(1)>",
        );
        f.reason = "<script>document.title='pwned'</script> & \"quoted\" </style> ]]> \u{1b}[31m\0"
            .to_owned();
        f.evidence = r#"{"note":"<img src=x onerror=\"document.body.setAttribute('data-pwned',1)\">","ctl":"\u0007"}"#.to_owned();
        f.intel = Some("feed <b>bold</b> 'single' \u{202e}".to_owned());
        f.model_version = Some("</td><script>x</script>".to_owned());
        f
    }

    #[test]
    fn the_template_renders_every_section() {
        let findings = [
            finding(
                Severity::Critical,
                "dga_domain",
                Some("10.0.0.1"),
                "ns1.asdklgb.cf",
            ),
            finding(Severity::Low, "newly_seen", Some("10.0.0.2"), "new.example"),
        ];
        let page = render(&report(&findings)).unwrap();
        assert!(page.starts_with("<!doctype html>"));
        assert!(page.contains(
            r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">"#
        ));
        for text in [
            "ns1.asdklgb.cf",
            "new.example",
            "10.0.0.2",
            "1234",
            "dga&#x2f;2",
            "&#x2f;tmp&#x2f;home&#x2f;lake",
            "2026-11-28T10:00:00Z",
            "0.870",
            "Findings per hour",
            "threshold 0.870",
            "2023-11-14T22:13:20Z",
        ] {
            assert!(page.contains(text), "{text} missing");
        }
        assert_eq!(page.matches("<svg").count(), 2);
        assert!(!page.to_ascii_lowercase().contains("<script"));
        assert!(!page.contains("No findings yet"));
    }

    #[test]
    fn an_empty_lake_says_there_is_nothing_yet() {
        let mut empty = report(&[]);
        empty.scores.bins = vec![0; data::SCORE_BINS];
        empty.events = EventSummary::default();
        let page = render(&empty).unwrap();
        assert!(page.contains("No findings yet"), "{page}");
        assert!(page.contains("dnshunt detect"));
        assert!(!page.contains("<svg"));
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let findings = [hostile()];
        let mut hostile_report = report(&findings);
        hostile_report.lake = "/tmp/<script>lake</script>".to_owned();
        let page = render(&hostile_report).unwrap();
        let lower = page.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "a raw <script> tag");
        assert!(!lower.contains("<img"), "a raw <img> tag");
        assert!(!lower.contains("<b>bold"));
        assert!(!page.contains("</style> ]]>"), "a raw </style>");
        assert!(page.contains("&lt;script&gt;document.title="));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert!(page.contains("&amp; &quot;quoted&quot;"));
        assert!(page.contains("&#x27;single&#x27;"));
        assert!(page.contains("]]&gt;"));
        // Control and direction characters are shown, not sent.
        assert!(!page.contains('\u{1b}') && !page.contains('\0') && !page.contains('\u{202e}'));
        assert!(
            page.contains("\\u{1b}[31m") && page.contains("\\u{0}") && page.contains("\\u{202e}")
        );
        assert!(page.contains("\\u0007"), "JSON escapes stay escaped");
        // Evidence is pretty-printed JSON, escaped.
        assert!(page.contains("&quot;note&quot;: &quot;&lt;img src=x onerror="));
        // Only the charts are unescaped, and they hold no finding text.
        let style_end = page.find("</style>").unwrap();
        assert_eq!(page.matches("</style>").count(), 1);
        assert!(page[..style_end].contains("<style>"));
    }
}

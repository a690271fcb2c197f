//! The benchmark's verdict: one table on the terminal, `report.json` for tools, and an SVG
//! chart of the history-scale curve.

use crate::browser::HistoryPoint;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// What a measure must reach.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The studio's value at most this much.
    AtMost(f64),
    /// The studio over the anchor at most this much.
    RatioAtMost(f64),
    /// The studio over the anchor at least this much.
    RatioAtLeast(f64),
    /// The studio at most the anchor plus this much (in the row's unit).
    AtMostAnchorPlus(f64),
    /// No target: a figure reported beside the others (a lazy part's size).
    Reported,
}

pub struct Row {
    pub measure: String,
    pub unit: &'static str,
    pub studio: f64,
    pub anchor: f64,
    /// What the anchor is ("minimal Leptos app", "empty history", "nginx").
    pub against: &'static str,
    pub target: Target,
}

impl Row {
    pub fn ratio(&self) -> f64 {
        self.studio / self.anchor
    }

    pub fn passes(&self) -> bool {
        match self.target {
            Target::AtMost(limit) => self.studio <= limit,
            Target::RatioAtMost(limit) => self.ratio() <= limit,
            Target::RatioAtLeast(limit) => self.ratio() >= limit,
            Target::AtMostAnchorPlus(more) => self.studio <= self.anchor + more,
            Target::Reported => true,
        }
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::AtMost(limit) => format!("≤ {limit} {}", self.unit),
            Target::RatioAtMost(limit) => format!("ratio ≤ {limit}"),
            Target::RatioAtLeast(limit) => format!("ratio ≥ {limit}"),
            Target::AtMostAnchorPlus(more) => format!("≤ anchor + {more} {}", self.unit),
            Target::Reported => "–".to_owned(),
        }
    }
}

fn number(value: f64) -> String {
    if !value.is_finite() {
        "–".to_owned()
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// The table, as printed and as the README quotes it (Markdown).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| measure | studio | anchor | ratio | target | verdict |\n|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} {} | {} {} ({}) | {} | {} | {} |",
            row.measure,
            number(row.studio),
            row.unit,
            number(row.anchor),
            row.unit,
            row.against,
            number(row.ratio()),
            row.target_text(),
            match (&row.target, row.passes()) {
                (Target::Reported, _) => "reported",
                (_, true) => "pass",
                (_, false) => "short",
            }
        );
    }
    out
}

pub fn json_report(rows: &[Row], curve: &[HistoryPoint], quick: bool) -> Value {
    json!({
        "quick": quick,
        "measures": rows.iter().map(|row| json!({
            "measure": row.measure,
            "unit": row.unit,
            "studio": row.studio,
            "anchor": row.anchor,
            "against": row.against,
            "ratio": row.ratio(),
            "target": row.target_text(),
            "pass": row.passes(),
        })).collect::<Vec<_>>(),
        "history_curve": curve.iter().map(|p| json!({
            "jobs": p.jobs,
            "first_render_ms": p.first_render_ms,
            "per_poll_ms": p.per_poll_ms,
            "memory_mib": p.memory_mib,
            "dom_nodes": p.dom_nodes,
        })).collect::<Vec<_>>(),
    })
}

/// A line of the chart: its name, its colour, and what it plots.
type Series = (&'static str, &'static str, fn(&HistoryPoint) -> f64);

/// Render time and per-poll cost against history size, each on its own scale.
pub fn curve_svg(curve: &[HistoryPoint]) -> String {
    let (width, height, pad) = (640.0, 360.0, 50.0);
    let max_jobs = curve.iter().map(|p| p.jobs).max().unwrap_or(1).max(1) as f64;
    let series: [Series; 2] = [
        ("first render (ms)", "#2563eb", |p| p.first_render_ms),
        ("main thread per poll answer (ms)", "#dc2626", |p| {
            p.per_poll_ms
        }),
    ];
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <line x1=\"{pad}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"black\"/>\n\
         <text x=\"{mid}\" y=\"{bottom}\" text-anchor=\"middle\">jobs in history (max {max_jobs})</text>\n",
        y0 = height - pad,
        x1 = width - pad,
        mid = width / 2.0,
        bottom = height - 15.0,
    );
    for (index, (name, colour, value)) in series.iter().enumerate() {
        let top = curve.iter().map(value).fold(0.0, f64::max).max(1e-9);
        let points: Vec<String> = curve
            .iter()
            .map(|p| {
                let x = pad + (p.jobs as f64 / max_jobs) * (width - 2.0 * pad);
                let y = (height - pad) - (value(p) / top) * (height - 2.0 * pad);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>\n\
             <text x=\"{pad}\" y=\"{}\" fill=\"{colour}\">{name}: up to {top:.1}</text>",
            points.join(" "),
            20.0 + 16.0 * index as f64,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

pub fn write(out: &Path, rows: &[Row], curve: &[HistoryPoint], quick: bool) {
    std::fs::create_dir_all(out).expect("the report folder");
    let report = json_report(rows, curve, quick);
    std::fs::write(
        out.join("report.json"),
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .expect("report.json");
    std::fs::write(out.join("history.svg"), curve_svg(curve)).expect("history.svg");
    std::fs::write(out.join("table.md"), table(rows)).expect("table.md");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(studio: f64, anchor: f64, target: Target) -> Row {
        Row {
            measure: "m".into(),
            unit: "ms",
            studio,
            anchor,
            against: "a",
            target,
        }
    }

    #[test]
    fn verdicts_follow_the_target() {
        assert!(row(140.0, 50.0, Target::AtMost(150.0)).passes());
        assert!(!row(160.0, 50.0, Target::AtMost(150.0)).passes());
        assert!(row(1.4, 1.0, Target::RatioAtMost(1.5)).passes());
        assert!(!row(1.6, 1.0, Target::RatioAtMost(1.5)).passes());
        assert!(row(95.0, 100.0, Target::RatioAtLeast(0.9)).passes());
        assert!(!row(80.0, 100.0, Target::RatioAtLeast(0.9)).passes());
        assert!(!row(f64::NAN, 1.0, Target::RatioAtMost(1.5)).passes());
        assert!(row(240.0, 150.0, Target::AtMostAnchorPlus(100.0)).passes());
        assert!(!row(260.0, 150.0, Target::AtMostAnchorPlus(100.0)).passes());
    }

    #[test]
    fn the_chart_has_one_line_per_series() {
        let point = |jobs, ms| HistoryPoint {
            jobs,
            first_render_ms: ms,
            per_poll_ms: ms / 10.0,
            memory_mib: 3.0,
            dom_nodes: 100.0,
        };
        let svg = curve_svg(&[point(0, 200.0), point(1000, 300.0), point(5000, 400.0)]);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(table(&[row(1.0, 2.0, Target::AtMost(3.0))]).contains("| pass |"));
    }
}

//! What the proxy says was spent (`GET /usage`), as Settings shows it: the caller's own
//! day and month, and for an admin every key and site in a table that sorts by any column
//! and downloads as CSV. No I/O.

use serde::Deserialize;

/// One period of one scope.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct UsagePeriod {
    pub spent_usd: f64,
    pub jobs: u64,
    pub images: u64,
    pub failed: u64,
    pub uploads: u64,
    pub refusals: u64,
    pub limit_usd: Option<f64>,
    pub left_usd: Option<f64>,
    pub by_model: Vec<ModelUsage>,
}

/// One model's share of a period.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ModelUsage {
    pub model: String,
    pub spent_usd: f64,
    pub jobs: u64,
    pub images: u64,
}

/// A key, a site, the visitors without a site, or the whole proxy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct UsageRow {
    pub scope: String,
    /// `key`, `site`, `visitors`, `proxy` or `session`.
    pub kind: String,
    pub name: String,
    pub today: UsagePeriod,
    pub this_month: UsagePeriod,
}

/// The whole answer: the caller's own row, and everybody's for an admin.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct UsageReport {
    /// `2026-12-05`.
    pub day: String,
    /// `2026-12`.
    pub month: String,
    pub own: UsageRow,
    pub everyone: Option<Vec<UsageRow>>,
}

/// A column of the admin's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageColumn {
    Who,
    SpentToday,
    LeftToday,
    SpentMonth,
    LeftMonth,
    Jobs,
    Images,
    Refusals,
}

impl UsageColumn {
    pub const ALL: [UsageColumn; 8] = [
        UsageColumn::Who,
        UsageColumn::SpentToday,
        UsageColumn::LeftToday,
        UsageColumn::SpentMonth,
        UsageColumn::LeftMonth,
        UsageColumn::Jobs,
        UsageColumn::Images,
        UsageColumn::Refusals,
    ];

    /// Its name in the CSV's header and in `data-testid`s.
    pub fn key(self) -> &'static str {
        match self {
            UsageColumn::Who => "who",
            UsageColumn::SpentToday => "spent_today_usd",
            UsageColumn::LeftToday => "left_today_usd",
            UsageColumn::SpentMonth => "spent_month_usd",
            UsageColumn::LeftMonth => "left_month_usd",
            UsageColumn::Jobs => "jobs_month",
            UsageColumn::Images => "images_month",
            UsageColumn::Refusals => "refusals_month",
        }
    }
}

/// How the table is sorted: by a column, largest first or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageSort {
    pub column: UsageColumn,
    pub descending: bool,
}

impl Default for UsageSort {
    /// The biggest spenders this month first.
    fn default() -> Self {
        UsageSort {
            column: UsageColumn::SpentMonth,
            descending: true,
        }
    }
}

impl UsageSort {
    /// A click on `column`'s header: the same column turns around, another starts with
    /// the largest first (names from A).
    pub fn clicked(self, column: UsageColumn) -> UsageSort {
        if column == self.column {
            UsageSort {
                column,
                descending: !self.descending,
            }
        } else {
            UsageSort {
                column,
                descending: column != UsageColumn::Who,
            }
        }
    }
}

/// A row's value in a column: a number, or (for who) its name. A budget without a limit
/// has no "left": it sorts below every number.
fn value(row: &UsageRow, column: UsageColumn) -> f64 {
    let left = |p: &UsagePeriod| p.left_usd.unwrap_or(f64::NEG_INFINITY);
    match column {
        UsageColumn::Who => 0.0,
        UsageColumn::SpentToday => row.today.spent_usd,
        UsageColumn::LeftToday => left(&row.today),
        UsageColumn::SpentMonth => row.this_month.spent_usd,
        UsageColumn::LeftMonth => left(&row.this_month),
        UsageColumn::Jobs => row.this_month.jobs as f64,
        UsageColumn::Images => row.this_month.images as f64,
        UsageColumn::Refusals => row.this_month.refusals as f64,
    }
}

/// The rows in `sort`'s order; the whole proxy's row stays last, as a total does.
pub fn sorted(rows: &[UsageRow], sort: UsageSort) -> Vec<UsageRow> {
    let (mut total, mut rows): (Vec<UsageRow>, Vec<UsageRow>) =
        rows.iter().cloned().partition(|row| row.kind == "proxy");
    rows.sort_by(|a, b| {
        let order = match sort.column {
            UsageColumn::Who => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            column => value(a, column).total_cmp(&value(b, column)),
        };
        let order = if sort.descending {
            order.reverse()
        } else {
            order
        };
        order.then_with(|| a.scope.cmp(&b.scope))
    });
    rows.append(&mut total);
    rows
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180); one
/// that a spreadsheet would run as a formula is prefixed with a quote mark.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn money(usd: Option<f64>) -> String {
    usd.map(|usd| format!("{usd:.3}")).unwrap_or_default()
}

/// The table as CSV, in the order shown, with the kind of each row and the period's dates.
pub fn to_csv(report: &UsageReport, rows: &[UsageRow]) -> String {
    let mut csv = String::from("kind,");
    let header: Vec<&str> = UsageColumn::ALL.iter().map(|c| c.key()).collect();
    csv.push_str(&header.join(","));
    csv.push_str(",day,month\r\n");
    for row in rows {
        let cells = [
            field(&row.kind),
            field(&row.name),
            money(Some(row.today.spent_usd)),
            money(row.today.left_usd),
            money(Some(row.this_month.spent_usd)),
            money(row.this_month.left_usd),
            row.this_month.jobs.to_string(),
            row.this_month.images.to_string(),
            row.this_month.refusals.to_string(),
            field(&report.day),
            field(&report.month),
        ];
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report() -> UsageReport {
        serde_json::from_value(json!({
            "day": "2026-12-05", "month": "2026-12",
            "own": {"scope": "key:lead", "kind": "key", "name": "lead",
                    "today": {"spent_usd": 0.0}, "this_month": {"spent_usd": 0.0}},
            "everyone": [
                {"scope": "key:designer", "kind": "key", "name": "designer",
                 "today": {"spent_usd": 0.06, "jobs": 1},
                 "this_month": {"spent_usd": 1.5, "jobs": 20, "images": 20}},
                {"scope": "key:intern", "kind": "key", "name": "intern",
                 "today": {"spent_usd": 0.09, "left_usd": 0.01, "limit_usd": 0.1},
                 "this_month": {"spent_usd": 0.4, "jobs": 12, "refusals": 3}},
                {"scope": "site:https://blog.example", "kind": "site", "name": "https://blog.example",
                 "today": {"spent_usd": 0.5, "left_usd": 9.5},
                 "this_month": {"spent_usd": 2.0, "jobs": 60}},
                {"scope": "proxy", "kind": "proxy", "name": "everyone",
                 "today": {"spent_usd": 0.65}, "this_month": {"spent_usd": 3.9, "jobs": 92}}
            ]
        }))
        .unwrap()
    }

    fn names(rows: &[UsageRow]) -> Vec<&str> {
        rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn the_table_sorts_by_any_column_with_the_total_last() {
        let rows = report().everyone.unwrap();
        let by_month = sorted(&rows, UsageSort::default());
        assert_eq!(
            names(&by_month),
            ["https://blog.example", "designer", "intern", "everyone"]
        );
        let sort = UsageSort::default().clicked(UsageColumn::Who);
        assert!(!sort.descending, "names from A");
        assert_eq!(
            names(&sorted(&rows, sort)),
            ["designer", "https://blog.example", "intern", "everyone"]
        );
        let sort = sort.clicked(UsageColumn::Who);
        assert_eq!(names(&sorted(&rows, sort))[0], "intern");
        // Rows with no budget sort below every amount left.
        let left = UsageSort::default().clicked(UsageColumn::LeftToday);
        assert_eq!(
            names(&sorted(&rows, left))[..2],
            ["https://blog.example", "intern"]
        );
        let refusals = UsageSort::default().clicked(UsageColumn::Refusals);
        assert_eq!(names(&sorted(&rows, refusals))[0], "intern");
    }

    #[test]
    fn the_csv_has_a_row_per_scope_in_the_order_shown_and_is_safe_in_a_spreadsheet() {
        let report = report();
        let rows = sorted(report.everyone.as_ref().unwrap(), UsageSort::default());
        let csv = to_csv(&report, &rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "kind,who,spent_today_usd,left_today_usd,spent_month_usd,left_month_usd,\
             jobs_month,images_month,refusals_month,day,month"
        );
        assert_eq!(
            lines[1],
            "site,https://blog.example,0.500,9.500,2.000,,60,0,0,2026-12-05,2026-12"
        );
        assert_eq!(lines.len(), 5);
        assert!(lines[4].starts_with("proxy,everyone,0.650,"));
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn an_answer_missing_fields_still_reads() {
        let sparse: UsageReport =
            serde_json::from_value(json!({"own": {"today": {"jobs": 2}}})).unwrap();
        assert_eq!(sparse.own.today.jobs, 2);
        assert!(sparse.everyone.is_none());
    }
}

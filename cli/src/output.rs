//! Rendering rows as CSV, JSON lines or an aligned table.

use std::io::{self, Write};

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated, with a header line.
    Csv,
    /// One JSON object a line.
    Json,
    /// Aligned columns for reading in a terminal.
    Table,
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Value {
    fn plain(&self, format: Format) -> String {
        match self {
            Self::Null => String::new(),
            Self::Bool(b) => b.to_string(),
            Self::Number(n) if format == Format::Table && n.fract() != 0.0 => format!("{n:.3}"),
            Self::Number(n) => n.to_string(),
            // Names and reasons come from logs and feeds: never raw to a terminal.
            Self::Text(text) => crate::visible::visible(text),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(b) => (*b).into(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => (*n as i64).into(),
            Self::Number(n) => (*n).into(),
            Self::Text(text) => text.as_str().into(),
        }
    }
}

/// Rows under named columns.
pub struct Table {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(columns: Vec<&'static str>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn write(&self, out: &mut impl Write, format: Format) -> io::Result<()> {
        match format {
            Format::Csv => {
                writeln!(out, "{}", self.columns.join(","))?;
                for row in &self.rows {
                    let cells: Vec<String> =
                        row.iter().map(|v| csv_field(&v.plain(format))).collect();
                    writeln!(out, "{}", cells.join(","))?;
                }
            }
            Format::Json => {
                // Written by hand so the keys keep column order.
                for row in &self.rows {
                    let fields: Vec<String> = self
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(column, value)| {
                            format!("{}:{}", serde_json::Value::from(*column), value.json())
                        })
                        .collect();
                    writeln!(out, "{{{}}}", fields.join(","))?;
                }
            }
            Format::Table => {
                let cells: Vec<Vec<String>> = self
                    .rows
                    .iter()
                    .map(|row| row.iter().map(|v| v.plain(format)).collect())
                    .collect();
                let widths: Vec<usize> = self
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(at, column)| {
                        cells
                            .iter()
                            .map(|row| row[at].chars().count())
                            .chain([column.len()])
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                let header: Vec<String> = self.columns.iter().map(|c| (*c).to_owned()).collect();
                for line in std::iter::once(&header).chain(&cells) {
                    let padded: Vec<String> = line
                        .iter()
                        .zip(&widths)
                        .map(|(cell, &width)| format!("{cell:<width$}"))
                        .collect();
                    writeln!(out, "{}", padded.join("  ").trim_end())?;
                }
            }
        }
        Ok(())
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_logs_reaches_a_terminal_escaped() {
        let mut table = Table::new(vec!["query"]);
        table.push(vec![Value::Text("a\u{1b}]0;pwned\u{7}b".to_owned())]);
        let render = |format| {
            let mut out = Vec::new();
            table.write(&mut out, format).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(render(Format::Table), "query\na\\u{1b}]0;pwned\\u{7}b\n");
        assert_eq!(render(Format::Csv), "query\na\\u{1b}]0;pwned\\u{7}b\n");
        // JSON escapes control characters itself.
        assert_eq!(
            render(Format::Json),
            "{\"query\":\"a\\u001b]0;pwned\\u0007b\"}\n"
        );
    }
}

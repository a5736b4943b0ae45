//! `dnshunt features`: the normalization and feature vector of each name.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use dnshunt_features::{FEATURES, FeatureExtractor, Name, normalize_bytes};

use crate::input;
use crate::output::{Format, Table, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Names to look at (in addition to --file).
    domains: Vec<String>,
    /// A file of names, one a line; `-` reads standard input. Lines holding a JSON object take
    /// the name from its `rrname`, `query`, `domain` or `name` field (passive DNS, Zeek, ...).
    #[arg(long)]
    file: Option<PathBuf>,
    /// csv and json (one object a line) carry every column; table shows the main ones.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Print the feature schema (names and meanings) instead.
    #[arg(long)]
    schema: bool,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let extractor = FeatureExtractor::builtin();
    let mut out = std::io::stdout().lock();
    if args.schema {
        writeln!(out, "feature schema {}", extractor.schema().id())?;
        for feature in FEATURES {
            writeln!(out, "{:<30} {}", feature.name, feature.description)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut names: Vec<Vec<u8>> = args
        .domains
        .iter()
        .map(|d| d.clone().into_bytes())
        .collect();
    if let Some(path) = &args.file {
        names.extend(input::read_names(path)?);
    }
    let batch = normalize_bytes(&names);
    let vectors = extractor.extract(&batch);
    let mut table = Table::new(columns(args.format));
    for (index, name) in batch.iter().enumerate() {
        let vector = vectors.row(index).unwrap_or_default();
        table.push(row(&name, vector, args.format));
    }
    table.write(&mut out, args.format)?;
    Ok(ExitCode::SUCCESS)
}

const NAME_COLUMNS: [&str; 11] = [
    "query",
    "registered_domain",
    "public_suffix",
    "subdomain",
    "domain_label",
    "suffix_kind",
    "label_count",
    "is_valid_name",
    "invalid_reason",
    "is_idn",
    "mixed_script",
];

/// The feature columns a table shows; csv and json show them all.
const TABLE_FEATURES: [&str; 5] = [
    "length",
    "entropy",
    "ngram_log_prob",
    "dictionary_coverage",
    "digit_ratio",
];

fn columns(format: Format) -> Vec<&'static str> {
    match format {
        Format::Table => [
            "query",
            "registered_domain",
            "domain_label",
            "is_valid_name",
        ]
        .into_iter()
        .chain(TABLE_FEATURES)
        .collect(),
        Format::Csv | Format::Json => NAME_COLUMNS
            .into_iter()
            .chain(FEATURES.iter().map(|f| f.name))
            .collect(),
    }
}

fn row(name: &Name<'_>, vector: &[f64], format: Format) -> Vec<Value> {
    let text = |part: Option<&str>| part.map_or(Value::Null, |p| Value::Text(p.to_owned()));
    let feature = |wanted: &str| {
        FEATURES
            .iter()
            .position(|f| f.name == wanted)
            .and_then(|at| vector.get(at))
            .map_or(Value::Null, |&v| Value::Number(v))
    };
    match format {
        Format::Table => [
            Value::Text(name.query.to_owned()),
            text(name.registered_domain),
            text(name.domain_label),
            Value::Bool(name.is_valid()),
        ]
        .into_iter()
        .chain(TABLE_FEATURES.iter().map(|f| feature(f)))
        .collect(),
        Format::Csv | Format::Json => [
            Value::Text(name.query.to_owned()),
            text(name.registered_domain),
            text(name.public_suffix),
            text(name.subdomain),
            text(name.domain_label),
            Value::Text(name.suffix_kind.as_str().to_owned()),
            Value::Number(f64::from(name.label_count)),
            Value::Bool(name.is_valid()),
            text(name.invalid.map(dnshunt_features::InvalidReason::as_str)),
            Value::Bool(name.is_idn),
            Value::Bool(name.mixed_script),
        ]
        .into_iter()
        .chain(vector.iter().map(|&v| Value::Number(v)))
        .collect(),
    }
}

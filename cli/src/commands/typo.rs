//! `dnshunt typo`: typosquat permutations and lookalike search.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use dnshunt_features::normalize_bytes;
use dnshunt_typosquat::{Data, Fuzzer, LookalikeIndex, Permuter, Watchlist};

use crate::input::{read_numbered_names, read_text};
use crate::output::{Format, Table, Value};
use crate::visible::visible;

/// Typosquat commands.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the lookalike domains of brands, one `brand,fuzzer,domain` row each.
    Permute(PermuteArgs),
    /// Find names that imitate a watched brand.
    #[command(after_help = WATCHLIST_HELP)]
    Match(MatchArgs),
}

const WATCHLIST_HELP: &str = "\
Watchlist file: one brand a line, `[name:] domain...`; `#` starts a comment. Every domain listed
is owned by the brand (never flagged) and permuted; `label.*` owns the label under every suffix.

    google: google.com youtube.com google.*
    paypal.com paypal.me

Output columns: name, registered_domain, brand, how (a fuzzer id, or confusable, other-suffix,
edit, embedded), detail (edit operations or extra tokens), score (0-1). See docs/typosquat.md.";

#[derive(clap::Args)]
struct PermuteArgs {
    /// Domains to permute (paypal.com, www.bbc.co.uk).
    #[arg(required = true)]
    brands: Vec<String>,
    /// Fuzzers to run, comma-separated (default: all): addition, bitsquatting, cyrillic,
    /// homoglyph, hyphenation, insertion, omission, plural, repetition, replacement, subdomain,
    /// transposition, vowel-swap, dictionary, tld-swap, various, numeral-swap, homophone,
    /// wrong-sld, dyndns, keyword.
    #[arg(long, value_delimiter = ',')]
    fuzzers: Vec<String>,
    /// Word list for the dictionary fuzzer, one word a line (default: the shipped list).
    #[arg(long, value_name = "FILE")]
    dictionary: Option<PathBuf>,
    /// Suffix list for the tld-swap fuzzer, one a line (default: the shipped list).
    #[arg(long, value_name = "FILE")]
    tld: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
}

#[derive(clap::Args)]
struct MatchArgs {
    /// Watchlist file (default: <home>/watchlist.txt).
    #[arg(long, value_name = "FILE")]
    brands: Option<PathBuf>,
    /// Names to check, one a line or JSON lines (rrname/query/domain/name), `-` for standard
    /// input. Required for now: matching over the names observed in the lake comes when the
    /// lake exists.
    #[arg(long, value_name = "FILE", required = true)]
    file: PathBuf,
    /// Only print matches scoring at least this much.
    #[arg(long, default_value_t = 0.0)]
    min_score: f32,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
}

pub fn run(args: &Args, home: &Path) -> Result<ExitCode> {
    match &args.command {
        Command::Permute(args) => permute(args),
        Command::Match(args) => lookalikes(args, home),
    }
}

fn permute(args: &PermuteArgs) -> Result<ExitCode> {
    let mut data = Data::builtin()?.clone();
    if let Some(path) = &args.dictionary {
        data = data.with_dictionary(&read_text(path)?, &path.display().to_string())?;
    }
    if let Some(path) = &args.tld {
        data = data.with_tlds(&read_text(path)?, &path.display().to_string())?;
    }
    let fuzzers: Vec<Fuzzer> = if args.fuzzers.is_empty() {
        Fuzzer::ALL.to_vec()
    } else {
        args.fuzzers
            .iter()
            .map(|id| id.parse())
            .collect::<Result<_, _>>()?
    };
    let rows = Permuter::new(&data).permute(&args.brands, &fuzzers)?;
    let mut table = Table::new(vec!["brand", "fuzzer", "domain"]);
    for row in rows {
        table.push(vec![
            Value::Text(args.brands[row.brand].clone()),
            Value::Text(row.fuzzer.id().to_owned()),
            Value::Text(row.domain),
        ]);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    table.write(&mut out, args.format)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn lookalikes(args: &MatchArgs, home: &Path) -> Result<ExitCode> {
    let watchlist_path = args
        .brands
        .clone()
        .unwrap_or_else(|| Watchlist::home_file(home));
    let watchlist = Watchlist::parse(
        &read_text(&watchlist_path)?,
        &watchlist_path.display().to_string(),
    )?;
    let index = LookalikeIndex::build(watchlist)?;
    let (names, lines) = read_numbered_names(&args.file)?;
    let batch = normalize_bytes(&names);
    let mut table = Table::new(vec![
        "name",
        "registered_domain",
        "brand",
        "how",
        "detail",
        "score",
    ]);
    for found in index.match_batch(&batch) {
        if found.score < args.min_score {
            continue;
        }
        let Some(name) = batch.get(found.row) else {
            continue;
        };
        table.push(vec![
            Value::Text(name.query.to_owned()),
            name.registered_domain
                .map_or(Value::Null, |d| Value::Text(d.to_owned())),
            Value::Text(index.watchlist().brands[found.brand].name.clone()),
            Value::Text(found.method.how().to_owned()),
            Value::Text(found.method.detail()),
            Value::Number((f64::from(found.score) * 1000.0).round() / 1000.0),
        ]);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    table.write(&mut out, args.format)?;
    out.flush()?;
    // Said by line, as the name was written (escaped): the normalized form may hide the fault.
    let invalid: Vec<(usize, String, &str)> = batch
        .iter()
        .zip(names.iter().zip(&lines))
        .filter_map(|(name, (raw, &line))| {
            let shown = visible(&String::from_utf8_lossy(raw));
            name.invalid.map(|reason| (line, shown, reason.as_str()))
        })
        .collect();
    if invalid.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "dnshunt: {} of {} names in {} are not valid DNS names and were not checked:",
        invalid.len(),
        batch.len(),
        args.file.display()
    );
    for (number, name, reason) in invalid.iter().take(20) {
        eprintln!("  line {number}: {name} ({reason})");
    }
    if invalid.len() > 20 {
        eprintln!("  ... and {} more", invalid.len() - 20);
    }
    Ok(ExitCode::from(1))
}

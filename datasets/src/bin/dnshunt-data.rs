//! dnshunt-data: regenerates the data files shipped in the repository. Run at data-refresh time
//! (`make data`), never at run time.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use dnshunt_datasets::builder::{BuildOptions, Dataset};
use dnshunt_datasets::{benign, dga, hsts, partition};
use dnshunt_features::dictionary::{Dictionary, MIN_WORD_LEN};
use dnshunt_features::ngram::TrigramCounts;
use dnshunt_features::normalize;
use dnshunt_features::vector::BUILTIN_WORD_LIST;
use dnshunt_features::words::segment_words;
use flate2::Compression;
use flate2::write::GzEncoder;

#[derive(Parser)]
#[command(about = "Regenerate dnshunt's shipped data files")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Registered domains of the HSTS preload list, from the `hstspreload` package's bin file.
    Hsts {
        /// `hstspreload/hstspreload.bin` from the unpacked wheel.
        #[arg(long)]
        bin: PathBuf,
        /// Where to write the gzip-compressed list.
        #[arg(long, default_value = "datasets/data/hsts_preload_domains.txt.gz")]
        out: PathBuf,
    },
    /// The English word list: lower-case words of three letters or more.
    Words {
        /// A word list, one word a line (Debian's `wamerican`: /usr/share/dict/american-english).
        #[arg(long, default_value = "/usr/share/dict/american-english")]
        from: PathBuf,
        #[arg(long, default_value = "features/data/english_words.txt")]
        out: PathBuf,
    },
    /// Benign trigram counts, from the language-model quarter of the built-in benign list.
    Ngram {
        #[arg(long, default_value = "features/data/benign_trigrams.tsv")]
        out: PathBuf,
    },
    /// English words that occur in benign names, and how often benign names are made of each,
    /// from the language-model quarter.
    BenignWords {
        #[arg(long, default_value = "features/data/benign_words.txt")]
        out: PathBuf,
        #[arg(long, default_value = "features/data/benign_word_counts.tsv")]
        counts_out: PathBuf,
    },
    /// DGA trigram counts, from generator output on dates the datasets never use.
    DgaNgram {
        #[arg(long, default_value = "features/data/dga_trigrams.tsv")]
        out: PathBuf,
    },
}

/// Dates the DGA trigram model is counted on: before every dataset generation date.
const DGA_MODEL_DATES: [(i32, u32, u32); 4] =
    [(2021, 3, 10), (2021, 9, 22), (2022, 4, 5), (2022, 10, 17)];
/// Names per family and date counted into the DGA trigram model.
const DGA_MODEL_NAMES: usize = 3_000;
/// Names generated per family and date to find them: families that ignore the date repeat the
/// dataset's first 5,000, so the model's names come from further along their sequence.
const DGA_MODEL_CANDIDATES: usize = 9_000;

/// Counts trigrams of every built-in family's names on [`DGA_MODEL_DATES`], leaving out every
/// name the default dataset holds, so that no test name was counted (families that repeat their
/// names, or ignore the date, would otherwise leak).
fn dga_ngram(out: &std::path::Path) -> Result<()> {
    let dataset = Dataset::build(&BuildOptions::default())?;
    let in_dataset: std::collections::HashSet<&str> =
        dataset.rows.iter().map(|row| row.domain.as_str()).collect();
    let mut counts = TrigramCounts::default();
    let mut excluded = 0usize;
    for family in dga::families() {
        for &(year, month, day) in &DGA_MODEL_DATES {
            let date =
                chrono::NaiveDate::from_ymd_opt(year, month, day).context("a valid model date")?;
            let names = family.generate(family.default_seed(), date, DGA_MODEL_CANDIDATES);
            let batch = normalize(&names);
            let mut kept = 0;
            for name in batch.iter() {
                if kept == DGA_MODEL_NAMES {
                    break;
                }
                let (Some(registered), Some(label)) = (name.registered_domain, name.domain_label)
                else {
                    continue;
                };
                if in_dataset.contains(registered) {
                    excluded += 1;
                } else {
                    counts.add_label(label);
                    kept += 1;
                }
            }
        }
    }
    let comment = format!(
        "dnshunt DGA character trigrams, format 1\n\
         labels: up to {DGA_MODEL_NAMES} names per built-in family on each of {DGA_MODEL_DATES:?}, \
         skipping the {excluded} names the default dataset also holds\n\
         regenerate: make data"
    );
    std::fs::write(out, counts.to_tsv(&comment))
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "{} labels ({excluded} left out) -> {}",
        counts.labels(),
        out.display()
    );
    Ok(())
}

/// Every word of the built-in list that occurs anywhere in a domain label of the language-model
/// quarter. Word-based DGAs draw from the whole list, people naming sites mostly from these.
fn benign_words(out: &std::path::Path) -> Result<()> {
    // The English list alone: the built-in extractor needs the file this writes.
    let dictionary = Dictionary::from_word_list(BUILTIN_WORD_LIST)?;
    let domains = benign::hsts_preload_domains()?;
    let batch = normalize(&domains);
    let mut words = BTreeSet::new();
    let mut labels = 0;
    for name in batch.iter() {
        let (Some(registered), Some(label)) = (name.registered_domain, name.domain_label) else {
            continue;
        };
        if !partition::is_language_model_domain(registered) {
            continue;
        }
        labels += 1;
        for start in 0..label.len() {
            for end in start + MIN_WORD_LEN..=label.len() {
                if let Some(candidate) = label.get(start..end)
                    && dictionary.contains(candidate)
                {
                    words.insert(candidate.to_owned());
                }
            }
        }
    }
    let mut body = format!(
        "# English words (of features/data/english_words.txt) occurring in the domain labels of\n\
         # the {labels} language-model-quarter domains of the HSTS preload list; regenerate: make data\n"
    );
    for word in &words {
        body.push_str(word);
        body.push('\n');
    }
    std::fs::write(out, body).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "{} words from {labels} labels -> {}",
        words.len(),
        out.display()
    );
    Ok(())
}

/// How often each word is used when the labels of the language-model quarter are cut into their
/// best segmentation (most letters covered by words, then fewest words): the benign side of the
/// word likelihood features.
fn benign_word_counts(out: &std::path::Path) -> Result<()> {
    let dictionary = Dictionary::from_word_list(BUILTIN_WORD_LIST)?;
    let domains = benign::hsts_preload_domains()?;
    let batch = normalize(&domains);
    let mut counts: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
    let mut labels = 0;
    for name in batch.iter() {
        let (Some(registered), Some(label)) = (name.registered_domain, name.domain_label) else {
            continue;
        };
        if !partition::is_language_model_domain(registered) {
            continue;
        }
        labels += 1;
        for word in segment_words(&dictionary, label) {
            *counts.entry(word).or_default() += 1;
        }
    }
    let mut body = format!(
        "# word<TAB>count: words of english_words.txt in the best segmentation (most letters\n\
         # covered, then fewest words) of the {labels} language-model-quarter domain labels of the\n\
         # HSTS preload list; regenerate: make data\n"
    );
    for (word, count) in &counts {
        body.push_str(word);
        body.push('\t');
        body.push_str(&count.to_string());
        body.push('\n');
    }
    std::fs::write(out, body).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "{} words from {labels} labels -> {}",
        counts.len(),
        out.display()
    );
    Ok(())
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Hsts { bin, out } => {
            let bytes =
                std::fs::read(&bin).with_context(|| format!("reading {}", bin.display()))?;
            let hosts = hsts::preload_hosts(&bytes)?;
            let batch = normalize(&hosts);
            let domains: BTreeSet<&str> = batch
                .iter()
                .filter_map(|name| name.registered_domain)
                .collect();
            let mut gz = GzEncoder::new(Vec::new(), Compression::best());
            for domain in &domains {
                writeln!(gz, "{domain}")?;
            }
            std::fs::write(&out, gz.finish()?)
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "{} hosts, {} registered domains -> {}",
                hosts.len(),
                domains.len(),
                out.display()
            );
        }
        Command::Words { from, out } => {
            let text = std::fs::read_to_string(&from)
                .with_context(|| format!("reading {}", from.display()))?;
            let words: BTreeSet<&str> = text
                .lines()
                .map(str::trim)
                .filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()))
                .collect();
            let mut body = format!(
                "# English words, 3+ lower-case letters, from {}\n",
                from.display()
            );
            for word in &words {
                body.push_str(word);
                body.push('\n');
            }
            std::fs::write(&out, body).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("{} words -> {}", words.len(), out.display());
        }
        Command::Ngram { out } => {
            let domains = benign::hsts_preload_domains()?;
            let batch = normalize(&domains);
            let mut counts = TrigramCounts::default();
            for name in batch.iter() {
                if let (Some(registered), Some(label)) = (name.registered_domain, name.domain_label)
                    && partition::is_language_model_domain(registered)
                {
                    counts.add_label(label);
                }
            }
            let comment = "dnshunt benign character trigrams, format 1\n\
                           labels: the language-model quarter of datasets/data/hsts_preload_domains.txt.gz\n\
                           regenerate: make data";
            std::fs::write(&out, counts.to_tsv(comment))
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!("{} labels -> {}", counts.labels(), out.display());
        }
        Command::DgaNgram { out } => dga_ngram(&out)?,
        Command::BenignWords { out, counts_out } => {
            benign_words(&out)?;
            benign_word_counts(&counts_out)?;
        }
    }
    Ok(())
}

//! `dnshunt-train dataset build|show`: reproducible datasets under `<home>/datasets/<id>/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use dnshunt_datasets::builder::{BuildOptions, DEFAULT_PER_FAMILY, Dataset, Manifest, UserSource};

/// Dataset commands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Assemble benign + DGA names, deduplicate, split by registered domain, write a manifest.
    Build(BuildArgs),
    /// Counts per family and split of a built dataset.
    Show(ShowArgs),
}

/// `dataset build` flags.
#[derive(clap::Args)]
pub struct BuildArgs {
    /// Keys the train / validation / test split; the same seed gives the same bytes.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Add a DGA family from a file of its domains, one a line (repeatable).
    #[arg(long = "add-family", value_name = "NAME=FILE", value_parser = parse_family_file)]
    pub add_family: Vec<(String, PathBuf)>,
    /// Add labelled rows from a CSV of `domain,label[,family]` (repeatable).
    #[arg(long = "add-csv", value_name = "FILE")]
    pub add_csv: Vec<PathBuf>,
    /// Registered domains per DGA family at most.
    #[arg(long, default_value_t = DEFAULT_PER_FAMILY)]
    pub per_family: usize,
    /// At most this many benign domains (all by default): for quick experiments.
    #[arg(long)]
    pub max_benign: Option<usize>,
}

/// `dataset show` flags.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// A dataset id or folder; the latest build when omitted.
    pub dataset: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

/// How `dataset show` prints.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ShowFormat {
    /// Aligned columns.
    Table,
    /// The manifest as JSON (it has a `families` list).
    Json,
}

/// Reads `NAME=FILE`.
pub fn parse_family_file(text: &str) -> Result<(String, PathBuf), String> {
    let (name, file) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=FILE (for example newfam=domains.txt)"))?;
    let name = dnshunt_datasets::labelled::check_family_name(name)?;
    if file.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((name, PathBuf::from(file)))
}

pub fn run(command: &Command, home: &Path) -> Result<ExitCode> {
    match command {
        Command::Build(args) => build(args, home),
        Command::Show(args) => show(args, home),
    }
}

/// Loads the user files named on the command line, printing each loader's report.
pub fn user_sources(
    families: &[(String, PathBuf)],
    csvs: &[PathBuf],
) -> Result<(Vec<UserSource>, bool)> {
    let mut sources = Vec::new();
    for (name, path) in families {
        sources.push(UserSource::family_file(name, path)?);
    }
    for path in csvs {
        sources.push(UserSource::csv_file(path)?);
    }
    let mut problems = false;
    for source in &sources {
        let report = &source.loaded.report;
        eprintln!("{}", report.summary());
        // The summary names the first three malformed lines.
        for rejected in report
            .malformed
            .iter()
            .skip(3)
            .chain(&report.duplicates)
            .take(20)
        {
            eprintln!("  {}:{}: {}", report.file, rejected.line, rejected.reason);
        }
        problems |= !report.malformed.is_empty();
        if report.loaded == 0 {
            bail!("{}: no domain could be loaded", report.file);
        }
    }
    Ok((sources, problems))
}

fn build(args: &BuildArgs, home: &Path) -> Result<ExitCode> {
    let (user_sources, problems) = user_sources(&args.add_family, &args.add_csv)?;
    let options = BuildOptions {
        seed: args.seed,
        per_family: args.per_family,
        families: None,
        max_benign: args.max_benign,
        user_sources,
    };
    let dataset = Dataset::build(&options)?;
    let id = dataset_id(&dataset.manifest);
    let dir = datasets_dir(home).join(&id);
    if dir.join(dnshunt_datasets::builder::MANIFEST_FILE).is_file() {
        let existing = Dataset::read_manifest(&dir)?;
        if existing != dataset.manifest {
            bail!(
                "{} holds a different dataset with the same id; move it away",
                dir.display()
            );
        }
    } else {
        dataset.write(&dir)?;
    }
    std::fs::write(datasets_dir(home).join("latest"), format!("{id}\n"))
        .with_context(|| format!("cannot write {}", datasets_dir(home).display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "dataset {id}  {}", dir.display())?;
    writeln!(out, "manifest sha256 {}", dataset.manifest.hash())?;
    print_table(&mut out, &dataset.manifest)?;
    Ok(if problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn show(args: &ShowArgs, home: &Path) -> Result<ExitCode> {
    let dir = resolve(home, args.dataset.as_deref())?;
    let manifest = Dataset::read_manifest(&dir)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ShowFormat::Json => {
            let mut value = serde_json::to_value(&manifest)?;
            value["id"] = dataset_id(&manifest).into();
            value["manifest_sha256"] = manifest.hash().into();
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        ShowFormat::Table => {
            writeln!(out, "dataset {}  {}", dataset_id(&manifest), dir.display())?;
            print_table(&mut out, &manifest)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The folder of a dataset id or path, or of the latest build.
pub fn resolve(home: &Path, dataset: Option<&str>) -> Result<PathBuf> {
    let id = match dataset {
        Some(given) if Path::new(given).is_dir() => return Ok(PathBuf::from(given)),
        Some(id) => id.to_owned(),
        None => {
            let latest = datasets_dir(home).join("latest");
            std::fs::read_to_string(&latest)
                .with_context(|| {
                    format!(
                        "{}: no dataset built yet; run `dnshunt-train dataset build`",
                        latest.display()
                    )
                })?
                .trim()
                .to_owned()
        }
    };
    let dir = datasets_dir(home).join(&id);
    if !dir.is_dir() {
        bail!(
            "no dataset `{id}` in {}; `dnshunt-train dataset build` makes one",
            datasets_dir(home).display()
        );
    }
    Ok(dir)
}

fn datasets_dir(home: &Path) -> PathBuf {
    home.join("datasets")
}

/// The first 12 hex digits of the manifest hash.
pub fn dataset_id(manifest: &Manifest) -> String {
    manifest.hash()[..12].to_owned()
}

fn print_table(out: &mut impl Write, manifest: &Manifest) -> Result<()> {
    writeln!(
        out,
        "seed {}  per family {}  left out (language-model quarter) {}",
        manifest.seed, manifest.per_family, manifest.excluded_language_model
    )?;
    writeln!(
        out,
        "{:<20} {:<6} {:<10} {:>8} {:>10} {:>7} {:>8} {:>9}",
        "family", "label", "style", "train", "validation", "test", "total", "dropped"
    )?;
    let mut totals = [0usize; 4];
    for family in &manifest.families {
        writeln!(
            out,
            "{:<20} {:<6} {:<10} {:>8} {:>10} {:>7} {:>8} {:>9}",
            family.name,
            family.label.as_str(),
            family.style,
            family.train,
            family.validation,
            family.test,
            family.total(),
            family.dropped_collisions
        )?;
        for (total, count) in
            totals
                .iter_mut()
                .zip([family.train, family.validation, family.test, family.total()])
        {
            *total += count;
        }
    }
    writeln!(
        out,
        "{:<20} {:<6} {:<10} {:>8} {:>10} {:>7} {:>8}",
        "all", "", "", totals[0], totals[1], totals[2], totals[3]
    )?;
    Ok(())
}

//! Benchmarks of dnshunt against the tools a user would otherwise use.
//!
//! The benchmarks themselves are in `benches/` (criterion) and `baselines/` (Python peers);
//! `run.sh` runs them together. This library holds what they share: the names to measure on.
//!
//! The names are a deterministic mix of the seed data in `$DNSHUNT_SHARED/seed-data/` (default
//! `../shared`, relative to the workspace root): the Alexa top 100k, the DGA list and the passive
//! DNS `rrname`s, as they appear in the files (trailing dots and spaces kept, since normalizing them
//! is part of the work), shuffled with a fixed seed. The benchmark writes them to a file, one a
//! line, so that the Python baseline measures exactly the same names.

use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use dnshunt_datasets::traffic;
use dnshunt_intel::{Feed, FeedKind, IntelIndex};
use dnshunt_lake::Functions;
use dnshunt_typosquat::{LookalikeIndex, Watchlist};

/// The environment variable naming the shared data directory (the one holding `seed-data/`).
pub const SHARED_ENV: &str = "DNSHUNT_SHARED";
/// The environment variable naming the file the benchmark writes its names to.
pub const NAMES_FILE_ENV: &str = "DNSHUNT_BENCH_NAMES";
/// Seed of the shuffle: changing it changes the measured names.
const SHUFFLE_SEED: u64 = 0x646e_7368_756e_7421;

/// The workspace root (the parent of this package).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `path` itself when absolute, else `path` under the workspace root.
fn from_root(path: impl AsRef<Path>) -> PathBuf {
    workspace_root().join(path)
}

/// The shared data directory: `$DNSHUNT_SHARED` (a relative path is taken from the workspace
/// root), else `../shared` from the workspace root.
pub fn shared_dir() -> PathBuf {
    std::env::var_os(SHARED_ENV).map_or_else(|| from_root("../shared"), from_root)
}

/// The cargo target directory: `$CARGO_TARGET_DIR` (relative to the workspace root), else
/// `target/` under the workspace root.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| from_root("target"), from_root)
}

/// Where the benchmark writes its names: `$DNSHUNT_BENCH_NAMES`, else `bench-names.txt` in the
/// target directory.
pub fn names_file() -> PathBuf {
    std::env::var_os(NAMES_FILE_ENV).map_or_else(|| target_dir().join("bench-names.txt"), from_root)
}

fn read(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path).map_err(|err| {
        io::Error::new(
            err.kind(),
            format!(
                "{}: {err} (set {SHARED_ENV} to the directory holding seed-data/)",
                path.display()
            ),
        )
    })
}

fn bad_data(path: &Path, line: usize, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}, line {line}: {why}", path.display()),
    )
}

/// The `uri` column of a `rank,uri` file.
pub fn parse_alexa(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter_map(|line| line.split_once(',').map(|(_, uri)| uri.to_owned()))
        .filter(|uri| !uri.is_empty())
        .collect()
}

/// The lines after the `raw_domain` header, as they are (trailing spaces kept).
pub fn parse_dga(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `rrname` of each JSON line (trailing dot kept).
pub fn parse_rrnames(text: &str) -> Result<Vec<String>, (usize, String)> {
    let mut names = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|err| (number + 1, err.to_string()))?;
        let name = value
            .get("rrname")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| (number + 1, "no rrname string".to_owned()))?;
        names.push(name.to_owned());
    }
    Ok(names)
}

/// `splitmix64`: a small, fixed pseudo-random sequence, enough for reproducible workloads.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.bits() % n as u64) as usize
    }
}

/// Shuffles in place (Fisher–Yates) with a fixed seed: the same input gives the same order.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = Rng(seed);
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// The benchmark names: Alexa 100k, the DGA list and the passive DNS names from
/// `<shared>/seed-data/`, shuffled with a fixed seed.
pub fn seed_names(shared: &Path) -> io::Result<Vec<String>> {
    let seed = shared.join("seed-data");
    let mut names = parse_alexa(&read(&seed.join("alexa_100k.txt"))?);
    names.extend(parse_dga(&read(&seed.join("dga_domains_header.txt"))?));
    let events = seed.join("dns_events.json");
    names.extend(
        parse_rrnames(&read(&events)?).map_err(|(line, why)| bad_data(&events, line, &why))?,
    );
    shuffle(&mut names, SHUFFLE_SEED);
    Ok(names)
}

/// Writes the names one a line, atomically (through a temporary file and a rename).
pub fn write_names(path: &Path, names: &[String]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension(format!("partial.{}", std::process::id()));
    {
        let mut out = BufWriter::new(std::fs::File::create(&partial)?);
        for name in names {
            if name.contains('\n') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a name holds a newline",
                ));
            }
            out.write_all(name.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    std::fs::rename(&partial, path)
}

/// What `dnshunt detect` loads on a home with no registry, feeds or watchlist of its own, given
/// the demo's feed and watchlist: the built-in DGA model, the bundled `URLhaus` sample and the
/// demo watchlist.
///
/// # Panics
/// When the built-in model or the bundled data do not load (a broken build).
pub fn demo_functions(home: &Path) -> Functions {
    let (model, _) =
        dnshunt_models::builtin::resolve(home, "dga@champion").expect("the built-in model");
    let feed = Feed::load(
        FeedKind::Urlhaus,
        "urlhaus",
        "traffic::URLHAUS_SAMPLE",
        traffic::URLHAUS_SAMPLE,
        SystemTime::now(),
    )
    .expect("the bundled URLhaus sample loads");
    let watchlist =
        Watchlist::parse(traffic::WATCHLIST, "traffic::WATCHLIST").expect("the demo watchlist");
    Functions::new()
        .with_model(model)
        .with_intel(IntelIndex::build([feed]))
        .with_watchlist(LookalikeIndex::build(watchlist).expect("indexing the watchlist"))
}

/// The median of `values` (the upper one of an even count), as the benchmarks report rates.
///
/// # Panics
/// When `values` is empty.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// `values` rounded and joined with commas, to print every run beside its median.
pub fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_formats() {
        assert_eq!(
            parse_alexa("rank,uri\n1,facebook.com\n2,google.com\n"),
            ["facebook.com", "google.com"]
        );
        assert_eq!(
            parse_dga("raw_domain\n1cb8a5f36f.info \n\n"),
            ["1cb8a5f36f.info "]
        );
        let events = "{\"rrname\":\"3glav.eu.\",\"rrtype\":\"A\"}\n\n{\"rrname\":\"a-d.cl.\"}\n";
        assert_eq!(parse_rrnames(events).unwrap(), ["3glav.eu.", "a-d.cl."]);
        assert_eq!(parse_rrnames("{\"rrtype\":\"A\"}").unwrap_err().0, 1);
    }

    #[test]
    fn shuffle_is_a_fixed_permutation() {
        let mut a: Vec<u32> = (0..1000).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        assert_eq!(a, b);
        assert_ne!(a, (0..1000).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn writes_one_name_a_line() {
        let path =
            std::env::temp_dir().join(format!("dnshunt-bench-names-{}.txt", std::process::id()));
        write_names(&path, &["a.com".to_owned(), "b.org ".to_owned()]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a.com\nb.org \n");
        std::fs::remove_file(&path).unwrap();
        assert!(write_names(&path, &["a\nb".to_owned()]).is_err());
        let _ =
            std::fs::remove_file(path.with_extension(format!("partial.{}", std::process::id())));
    }
}

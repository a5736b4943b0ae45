//! dnshunt-train: build datasets, fit, evaluate, version, compare and promote DGA models.

fn main() -> std::process::ExitCode {
    eprintln!("dnshunt-train: not built yet (the models and training issue); see README.md");
    std::process::ExitCode::from(2)
}

//! dnshunt-serve: the HTTP scoring API for DGA, typosquat and threat-intel verdicts.

fn main() -> std::process::ExitCode {
    eprintln!("dnshunt-serve: not built yet (the serving issue); see README.md");
    std::process::ExitCode::from(2)
}

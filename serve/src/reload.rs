//! Hot reload: a background task notices when the model the service was asked for changes (an
//! alias moved by `promote`, a new latest version, a rewritten artefact), loads it off the
//! request path, checks it, and swaps it in. A model that fails to load or to pass the check is
//! refused and logged; the old one keeps serving.

use std::sync::Arc;

use crate::source::{self, Fingerprint};
use crate::state::AppState;

/// Names every candidate model must score to finite probabilities before it may serve.
const CANARIES: [&str; 6] = [
    "google.com",
    "wikipedia.org",
    "xjwqkzpvhrtl.net",
    "7ydbdehaaz",
    "ns1.asdklgb.cf.",
    "b\u{fc}cher.de",
];

/// Watches the sources until the process ends.
pub async fn watch(state: Arc<AppState>, mut current: Fingerprint) {
    let mut ticker = tokio::time::interval(state.config.reload_interval());
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let config = state.config.clone();
        let known = current.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let seen = source::fingerprint(&config)?;
            if seen == known {
                return Ok((seen, None));
            }
            let engine = source::load(&config)?;
            check(&engine)?;
            Ok::<_, anyhow::Error>((seen, Some(engine)))
        })
        .await;
        match checked {
            Ok(Ok((seen, Some(engine)))) => {
                tracing::info!(model = %engine.dga.version, origin = %engine.dga.origin, "reloaded");
                metrics::counter!("dnshunt_reloads_total", "outcome" => "loaded").increment(1);
                state.swap(engine);
                current = seen;
            }
            Ok(Ok((seen, None))) => current = seen,
            Ok(Err(err)) => {
                tracing::error!(error = %format!("{err:#}"), "reload refused; the loaded model keeps serving");
                metrics::counter!("dnshunt_reloads_total", "outcome" => "refused").increment(1);
                // Try again only when something changes again.
                if let Ok(seen) = source::fingerprint(&state.config) {
                    current = seen;
                }
            }
            Err(err) => tracing::error!(error = %err, "reload task failed"),
        }
    }
}

/// A candidate must score the canaries to probabilities in [0, 1].
pub fn check(engine: &crate::engine::Engine) -> anyhow::Result<()> {
    let names: Vec<String> = CANARIES.iter().map(|&n| n.to_owned()).collect();
    for result in engine.score(&names) {
        if let Some(dga) = result.dga
            && !(0.0..=1.0).contains(&dga.score)
        {
            anyhow::bail!(
                "model {} scores {} as {}: not a probability",
                dga.model,
                result.domain,
                dga.score
            );
        }
    }
    Ok(())
}

//! `newly_seen_domain`: the first sighting of each registered domain in this lake, kept in the
//! `domain_sightings` Delta table so that later runs over recent events still know what is old.
//!
//! A domain is new when its first sighting comes at least the baseline after the lake's first
//! event (before that, everything would look new) and within `recent_days` of the query. A new
//! domain queried by few clients raises other signals and, alone, is an `info` finding.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{StringBuilder, TimestampMicrosecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use deltalake::datafusion::prelude::SessionContext;

use crate::LakeError;
use crate::detect::columns;
use crate::detect::combine::{NewDomain, QueryGroup};
use crate::detect::config::NewlySeenConfig;

/// The state table's name.
pub const TABLE: &str = "domain_sightings";

/// First sightings from the whole `events` history: how a lake without the state table starts.
pub const HISTORY_SQL: &str = "SELECT registered_domain, min(event_time) AS first_seen, \
     first_value(client_ip ORDER BY event_time) AS first_client \
     FROM events WHERE is_valid_name AND registered_domain IS NOT NULL \
     GROUP BY registered_domain";

/// A new domain stays new this long after its first sighting.
const RECENT_MICROS: i64 = 7 * 86_400_000_000;

/// The `domain_sightings` schema.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("registered_domain", DataType::Utf8, false),
        Field::new(
            "first_seen",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("first_client", DataType::Utf8, true),
    ]))
}

/// First sightings known before this run, and those this run adds.
pub struct Sightings {
    first_seen: HashMap<String, i64>,
    /// The earliest sighting by a client: when the lake began watching clients. Passive DNS
    /// records (no client) reach back years and would end any baseline at once.
    watched_since: Option<i64>,
    added: Vec<(String, i64, Option<String>)>,
}

impl Sightings {
    /// Reads the state table; when it is empty, starts from the whole `events` history.
    pub async fn load(ctx: &SessionContext, table_exists: bool) -> Result<Self, LakeError> {
        let mut sightings = Self {
            first_seen: HashMap::new(),
            watched_since: None,
            added: Vec::new(),
        };
        if table_exists {
            for batch in crate::sql::run(
                ctx,
                &format!("SELECT registered_domain, first_seen, first_client FROM {TABLE}"),
            )
            .await?
            {
                let domains = columns::strings(&batch, "registered_domain")?;
                let times = columns::micros(&batch, "first_seen")?;
                let clients = columns::strings(&batch, "first_client")?;
                for ((domain, time), client) in domains.into_iter().zip(times).zip(clients) {
                    if let Some(domain) = domain {
                        sightings.remember(domain, time, client.is_some());
                    }
                }
            }
        }
        if sightings.first_seen.is_empty() {
            for batch in crate::sql::run(ctx, HISTORY_SQL).await? {
                let domains = columns::strings(&batch, "registered_domain")?;
                let times = columns::micros(&batch, "first_seen")?;
                let clients = columns::strings(&batch, "first_client")?;
                for ((domain, time), client) in domains.into_iter().zip(times).zip(clients) {
                    if let Some(domain) = domain {
                        sightings.note(domain, time, client);
                    }
                }
            }
        }
        Ok(sightings)
    }

    /// A first sighting from the state table.
    fn remember(&mut self, domain: String, time: i64, by_client: bool) {
        let first = self.first_seen.entry(domain).or_insert(time);
        *first = (*first).min(time);
        if by_client {
            self.watched_since = Some(self.watched_since.map_or(time, |t| t.min(time)));
        }
    }

    fn note(&mut self, domain: String, time: i64, client: Option<String>) {
        if self.first_seen.contains_key(&domain) {
            return;
        }
        self.remember(domain.clone(), time, client.is_some());
        self.added.push((domain, time, client));
    }

    /// Records the domains of `groups` not seen before.
    pub fn observe(&mut self, groups: &[QueryGroup]) {
        let mut earliest: HashMap<&str, &QueryGroup> = HashMap::new();
        for g in groups {
            if let Some(domain) = g.registered_domain.as_deref() {
                let slot = earliest.entry(domain).or_insert(g);
                if g.first_time < slot.first_time {
                    *slot = g;
                }
            }
        }
        let mut fresh: Vec<_> = earliest
            .into_iter()
            .filter(|(d, _)| !self.first_seen.contains_key(*d))
            .map(|(d, g)| (d.to_owned(), g.first_time, g.client_ip.clone()))
            .collect();
        fresh.sort();
        for (domain, time, client) in fresh {
            self.note(domain, time, client);
        }
    }

    /// The end of the baseline: domains first seen before it are never new.
    fn baseline_end(&self, config: &NewlySeenConfig) -> Option<i64> {
        Some(self.watched_since? + i64::from(config.baseline_hours) * 3_600_000_000)
    }

    /// The domains of `groups` first seen after the baseline, with their first sighting: the
    /// ones whose prevalence [`Self::judge`] needs.
    pub fn candidates(
        &self,
        groups: &[QueryGroup],
        config: &NewlySeenConfig,
    ) -> Vec<(String, i64)> {
        let Some(baseline_end) = self.baseline_end(config).filter(|_| config.enabled) else {
            return Vec::new();
        };
        let mut domains: Vec<(String, i64)> = groups
            .iter()
            .filter_map(|g| {
                let domain = g.registered_domain.as_deref()?;
                let first_seen = *self.first_seen.get(domain)?;
                (first_seen >= baseline_end).then(|| (domain.to_owned(), first_seen))
            })
            .collect();
        domains.sort_unstable();
        domains.dedup();
        domains
    }

    /// For each group, whether its domain is new and rare, per `config`. `clients` holds the
    /// prevalence of the [`Self::candidates`]: distinct clients since the first sighting.
    pub fn judge(
        &self,
        groups: &[QueryGroup],
        config: &NewlySeenConfig,
        clients: &HashMap<String, u64>,
    ) -> Vec<Option<NewDomain>> {
        let Some(baseline_end) = self.baseline_end(config) else {
            return vec![None; groups.len()];
        };
        groups
            .iter()
            .map(|g| {
                let domain = g.registered_domain.as_deref()?;
                let first_seen = *self.first_seen.get(domain)?;
                // Prevalence needs clients: logs without them (passive DNS) are not judged.
                g.client_ip.as_ref()?;
                let prevalence = *clients.get(domain)?;
                (config.enabled
                    && first_seen >= baseline_end
                    && (0..RECENT_MICROS).contains(&(g.first_time - first_seen))
                    && (1..=u64::from(config.max_clients)).contains(&prevalence))
                .then_some(NewDomain {
                    first_seen,
                    clients: prevalence,
                })
            })
            .collect()
    }

    /// The rows this run adds to the state table.
    pub fn added_batch(&self) -> Result<RecordBatch, LakeError> {
        let mut domain = StringBuilder::new();
        let mut time = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        let mut client = StringBuilder::new();
        for (d, t, c) in &self.added {
            domain.append_value(d);
            time.append_value(*t);
            client.append_option(c.as_deref());
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(domain.finish()),
            Arc::new(time.finish()),
            Arc::new(client.finish()),
        ];
        Ok(RecordBatch::try_new(schema(), columns)?)
    }
}

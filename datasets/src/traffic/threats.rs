//! The planted threats: what an analyst should find in the demo traffic, and when it happens.
//!
//! Three workstations misbehave, chosen from the seed:
//! - the **infected** one runs the Necurs DGA ([`crate::dga::arithmetic::necurs`], its sample
//!   seed, the window's first date): 40–100 generated names in bursts of consecutive names spread
//!   over the window, all NXDOMAIN but one (the C2 that answers); it also resolves the Agent
//!   Tesla download host of the `URLhaus` sample a few times;
//! - the **lookalike** one opens a phishing link: a few A and AAAA lookups of `rnicrosoft.com`
//!   (dnstwist's `homoglyph` fuzzer: `m` → `rn`) within minutes, in working hours;
//! - the **tunnel** one runs a DNS tunnel: 300–600 TXT (some NULL and CNAME) queries from one
//!   socket, each with three base32 labels of 40–60 characters under `t.sync-telemetry.net`,
//!   a few hundred milliseconds to a few seconds apart, in working hours.
//!
//! Their answers use addresses in 203.0.113.0/24 (TEST-NET-3, RFC 5737).

use chrono::DateTime;

use super::Planted;
use super::rng::Rng;
use super::zeek::{Answer, QType, Rcode, Rdata, Row};
use crate::dga::Family;
use crate::dga::arithmetic::necurs::Necurs;

/// The Agent Tesla download host; the `URLhaus` sample lists it with the `AgentTesla` tag.
pub(super) const AGENTTESLA_HOST: &str = "cdn.invoice-docs.top";
/// The lookalike of `microsoft.com` (watchlist brand `microsoft`).
pub(super) const LOOKALIKE: &str = "rnicrosoft.com";
/// The tunnel's registered domain.
pub(super) const TUNNEL_DOMAIN: &str = "sync-telemetry.net";
/// The zone the tunnel's names end with.
const TUNNEL_ZONE: &str = "t.sync-telemetry.net";

const AGENTTESLA_ADDRESS: [u8; 4] = [203, 0, 113, 45];
const LOOKALIKE_ADDRESS: [u8; 4] = [203, 0, 113, 80];
const DGA_C2_ADDRESS: [u8; 4] = [203, 0, 113, 12];

const SECOND_US: i64 = 1_000_000;
const HOUR_US: i64 = 3600 * SECOND_US;
const DAY_US: i64 = 24 * HOUR_US;

/// One planted answer's data (owned; see [`Rdata`]).
#[derive(Debug, Clone)]
enum Data {
    Name(String),
    V4([u8; 4]),
    Txt(String),
    Unknown(u16),
}

/// One planted log line.
#[derive(Debug, Clone)]
pub(super) struct PlantedRow {
    pub(super) time_us: i64,
    client: [u8; 4],
    port: u16,
    trans_id: u16,
    uid: u128,
    rtt_us: u32,
    pub(super) query: String,
    qtype: QType,
    rcode: Rcode,
    answers: Vec<(Data, u32)>,
}

impl PlantedRow {
    /// Writes the line through the Zeek writer.
    pub(super) fn write(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        let answers: Vec<Answer<'_>> = self
            .answers
            .iter()
            .map(|(data, ttl_secs)| Answer {
                data: match data {
                    Data::Name(name) => Rdata::Name(name),
                    Data::V4(address) => Rdata::V4(*address),
                    Data::Txt(text) => Rdata::Txt(text),
                    Data::Unknown(code) => Rdata::Unknown(*code),
                },
                ttl_secs: *ttl_secs,
            })
            .collect();
        super::zeek::write_row(
            out,
            &Row {
                time_us: self.time_us,
                uid: self.uid,
                client: self.client,
                client_port: self.port,
                trans_id: self.trans_id,
                rtt_us: self.rtt_us,
                query: &self.query,
                qtype: self.qtype,
                rcode: self.rcode,
                answers: &answers,
            },
        )
    }
}

/// The planted threats and their log lines, in time order.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) planted: Planted,
    pub(super) rows: Vec<PlantedRow>,
}

/// The time window `[start_us, end_us)` and the clients of one run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub(super) start_us: i64,
    pub(super) end_us: i64,
}

impl Window {
    fn len_us(self) -> i64 {
        self.end_us - self.start_us
    }
}

/// Lays out the planted threats for `seed` in `window` among `clients` workstations (at least 3),
/// whose addresses `address` gives.
pub(super) fn plan(
    seed: u64,
    window: Window,
    clients: usize,
    address: impl Fn(usize) -> [u8; 4],
) -> Plan {
    let mut rng = Rng::new(seed, "plan", 0);
    let [infected, phished, tunnelling] = three_clients(&mut rng, clients).map(&address);
    let mut rows = Vec::new();
    let dga_domains = dga(&mut rng, window, infected, &mut rows);
    agenttesla(&mut rng, window, infected, &mut rows);
    lookalike(&mut rng, window, phished, &mut rows);
    tunnel(&mut rng, window, tunnelling, &mut rows);
    rows.sort_by_key(|row| row.time_us);
    let text = |address: [u8; 4]| std::net::Ipv4Addr::from(address).to_string();
    Plan {
        planted: Planted {
            infected_client: text(infected),
            dga_family: Necurs.name(),
            dga_domains,
            agenttesla_host: AGENTTESLA_HOST.to_owned(),
            lookalike: LOOKALIKE.to_owned(),
            lookalike_client: text(phished),
            tunnel_domain: TUNNEL_DOMAIN.to_owned(),
            tunnel_client: text(tunnelling),
        },
        rows,
    }
}

/// Three distinct client indices below `clients` (which is at least 3).
fn three_clients(rng: &mut Rng, clients: usize) -> [usize; 3] {
    let n = clients.max(3) as u64;
    let first = rng.below(n);
    let second = (first + 1 + rng.below(n - 1)) % n;
    let (low, high) = (first.min(second), first.max(second));
    let mut third = rng.below(n - 2);
    for taken in [low, high] {
        if third >= taken {
            third += 1;
        }
    }
    [first as usize, second as usize, third as usize]
}

/// A fresh line for `client` at `time_us` with a new socket; answers and rtt filled by callers.
fn row(rng: &mut Rng, time_us: i64, client: [u8; 4], query: String, qtype: QType) -> PlantedRow {
    PlantedRow {
        time_us,
        client,
        port: rng.between(49_152, 65_535) as u16,
        trans_id: rng.below(65_536) as u16,
        uid: connection_uid(rng),
        rtt_us: rng.between(300, 1_500) as u32,
        query,
        qtype,
        rcode: Rcode::NoError,
        answers: Vec::new(),
    }
}

pub(super) fn connection_uid(rng: &mut Rng) -> u128 {
    u128::from(rng.next_u64()) | (u128::from(rng.next_u64()) << 64)
}

/// Gaps (µs) drawn from `min_us..=max_us`, scaled down to fit `room_us` if they do not.
fn gaps(rng: &mut Rng, count: usize, min_us: i64, max_us: i64, room_us: i64) -> Vec<i64> {
    let mut gaps: Vec<i64> = (0..count)
        .map(|_| rng.offset_between(min_us, max_us))
        .collect();
    let total: i64 = gaps.iter().sum();
    if total > room_us && total > 0 {
        for gap in &mut gaps {
            *gap = (i128::from(*gap) * i128::from(room_us.max(0)) / i128::from(total)) as i64;
        }
    }
    gaps
}

/// When a session of `duration_us` starts: in working hours (09:00–17:00 UTC) of the window's
/// first or second day if it fits there, anywhere in the window otherwise.
fn session_start(rng: &mut Rng, window: Window, duration_us: i64) -> i64 {
    let latest = (window.end_us - 1 - duration_us).max(window.start_us);
    let first_day = window.start_us - window.start_us.rem_euclid(DAY_US);
    for day in [first_day, first_day + DAY_US] {
        let low = (day + 9 * HOUR_US).max(window.start_us);
        let high = (day + 17 * HOUR_US - duration_us).min(latest);
        if low <= high {
            return rng.offset_between(low, high);
        }
    }
    rng.offset_between(window.start_us, latest)
}

/// The infected client's DGA lookups; returns the names it queried, in order.
fn dga(rng: &mut Rng, window: Window, client: [u8; 4], rows: &mut Vec<PlantedRow>) -> Vec<String> {
    let count = rng.between(40, 100) as usize;
    let date = DateTime::from_timestamp(window.start_us.div_euclid(SECOND_US), 0)
        .unwrap_or_default()
        .date_naive();
    let names = Necurs.generate(Necurs.default_seed(), date, count);
    let per_burst = rng.between(4, 8) as usize;
    let bursts = names.len().div_ceil(per_burst).max(1);
    let slot_us = window.len_us() / i64::try_from(bursts).unwrap_or(i64::MAX);
    let answered = names.len() * 2 / 3;
    for (burst, chunk) in names.chunks(per_burst).enumerate() {
        let gaps = gaps(rng, chunk.len(), 300_000, 2_000_000, slot_us / 2);
        let span: i64 = gaps.iter().sum();
        let mut time_us = window.start_us
            + i64::try_from(burst).unwrap_or(0) * slot_us
            + rng.offset(slot_us - span);
        for (at, (name, gap)) in chunk.iter().zip(gaps).enumerate() {
            let mut line = row(rng, time_us, client, name.clone(), QType::A);
            if burst * per_burst + at == answered {
                line.rtt_us = rng.between(40_000, 150_000) as u32;
                line.answers.push((Data::V4(DGA_C2_ADDRESS), 300));
            } else {
                line.rcode = Rcode::NxDomain;
            }
            rows.push(line);
            time_us += gap;
        }
    }
    names
}

/// The infected client fetching from, and reporting to, the Agent Tesla host.
fn agenttesla(rng: &mut Rng, window: Window, client: [u8; 4], rows: &mut Vec<PlantedRow>) {
    let mut times: Vec<i64> = (0..rng.between(3, 6))
        .map(|_| window.start_us + rng.offset(window.len_us()))
        .collect();
    times.sort_unstable();
    for (at, time_us) in times.into_iter().enumerate() {
        let mut line = row(rng, time_us, client, AGENTTESLA_HOST.to_owned(), QType::A);
        if at == 0 {
            line.rtt_us = rng.between(30_000, 90_000) as u32;
        }
        let ttl = rng.between(1, 300) as u32;
        line.answers.push((Data::V4(AGENTTESLA_ADDRESS), ttl));
        rows.push(line);
    }
}

/// A browser on the phished client loading the lookalike page a few times.
fn lookalike(rng: &mut Rng, window: Window, client: [u8; 4], rows: &mut Vec<PlantedRow>) {
    let count = rng.between(3, 6) as usize;
    let gaps = gaps(rng, count, 20_000_000, 240_000_000, window.len_us() / 2);
    let mut time_us = session_start(rng, window, gaps.iter().sum());
    for (at, gap) in gaps.into_iter().enumerate() {
        let mut a = row(rng, time_us, client, LOOKALIKE.to_owned(), QType::A);
        if at == 0 {
            a.rtt_us = rng.between(20_000, 80_000) as u32;
        }
        a.answers
            .push((Data::V4(LOOKALIKE_ADDRESS), rng.between(1, 600) as u32));
        let mut aaaa = a.clone();
        aaaa.qtype = QType::Aaaa;
        aaaa.trans_id = rng.below(65_536) as u16;
        aaaa.time_us += rng.offset_between(30, 300);
        aaaa.answers.clear();
        rows.push(a);
        rows.push(aaaa);
        time_us += gap;
    }
}

/// The tunnel session: one socket, hundreds of encoded queries.
fn tunnel(rng: &mut Rng, window: Window, client: [u8; 4], rows: &mut Vec<PlantedRow>) {
    let count = rng.between(300, 600) as usize;
    let gaps = gaps(rng, count, 200_000, 2_500_000, window.len_us() * 9 / 10);
    let mut time_us = session_start(rng, window, gaps.iter().sum());
    let first = row(rng, time_us, client, String::new(), QType::Txt);
    for gap in gaps {
        let mut line = first.clone();
        line.time_us = time_us;
        line.trans_id = rng.below(65_536) as u16;
        line.rtt_us = rng.between(25_000, 140_000) as u32;
        let mut query = String::with_capacity(200);
        for _ in 0..3 {
            base32(rng, 40..=60, &mut query);
            query.push('.');
        }
        query.push_str(TUNNEL_ZONE);
        line.query = query;
        let roll = rng.below(10);
        let data = if roll < 8 {
            line.qtype = QType::Txt;
            let mut text = String::new();
            base32(rng, 16..=180, &mut text);
            Data::Txt(text)
        } else if roll < 9 {
            line.qtype = QType::Null;
            Data::Unknown(10)
        } else {
            line.qtype = QType::Cname;
            let mut name = String::new();
            base32(rng, 20..=50, &mut name);
            name.push('.');
            name.push_str(TUNNEL_ZONE);
            Data::Name(name)
        };
        line.answers.push((data, 0));
        rows.push(line);
        time_us += gap;
    }
}

/// A random number (in `len`) of random characters of the lower-case base32 alphabet (RFC 4648,
/// `a`–`z`, `2`–`7`).
fn base32(rng: &mut Rng, len: std::ops::RangeInclusive<u64>, out: &mut String) {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let len = rng.between(*len.start(), *len.end());
    out.extend((0..len).map(|_| char::from(ALPHABET[rng.below(32) as usize])));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_distinct_clients_even_when_there_are_three() {
        for seed in 0..200 {
            let mut rng = Rng::new(seed, "t", 0);
            let [a, b, c] = three_clients(&mut rng, 3 + seed as usize % 4);
            assert!(a != b && b != c && a != c, "{a} {b} {c}");
            assert!(a.max(b).max(c) < 3 + seed as usize % 4);
        }
    }

    #[test]
    fn everything_fits_a_one_hour_window() {
        let window = Window {
            start_us: 1_793_577_600 * SECOND_US,
            end_us: 1_793_577_600 * SECOND_US + HOUR_US,
        };
        let plan = plan(5, window, 3, |i| [10, 1, 0, 10 + i as u8]);
        assert!(plan.rows.len() > 300);
        for row in &plan.rows {
            assert!((window.start_us..window.end_us).contains(&row.time_us));
        }
        assert!(plan.rows.windows(2).all(|w| w[0].time_us <= w[1].time_us));
    }
}

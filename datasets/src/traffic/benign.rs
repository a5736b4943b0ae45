//! The benign side of the traffic: the catalogue of names (`data/demo/benign-domains.txt`), how
//! often each is asked for, and what the resolver answers.
//!
//! Public names are drawn with a Zipf law by their rank in the file (weight `1 / rank`), so a
//! handful of names make most of the traffic and the tail is long, as in real resolver logs.
//! Every fact about a name that should stay put across a day (its addresses, whether it has
//! IPv6, its TTL) comes from a hash of the name. The TTL left in the resolver's cache counts down
//! with the clock from a phase set by the name, so all clients see one shared cache.

use std::sync::OnceLock;

use super::rng::{Rng, hash_name};
use super::zeek::{Answer, QType, Rcode, Rdata};

/// The catalogue file, embedded.
pub(super) const BENIGN_DOMAINS: &str = include_str!("../../data/demo/benign-domains.txt");

/// A public name and the CNAME the resolver returns for it, if any.
#[derive(Debug)]
pub(super) struct Host {
    pub(super) name: &'static str,
    pub(super) cname: Option<&'static str>,
}

/// A recipient domain the mail relay checks, with the records it reads.
#[derive(Debug)]
pub(super) struct MailDomain {
    pub(super) domain: &'static str,
    pub(super) exchange: &'static str,
    dmarc_name: String,
    spf: String,
    dmarc: String,
}

/// The parsed catalogue, with cumulative draw weights.
#[derive(Debug, Default)]
pub(super) struct Catalogue {
    pub(super) hosts: Vec<Host>,
    pub(super) internal: Vec<&'static str>,
    pub(super) mail: Vec<MailDomain>,
    pub(super) nxdomain: Vec<&'static str>,
    host_weights: Vec<f64>,
    internal_weights: Vec<f64>,
    mail_weights: Vec<f64>,
}

/// What one lookup asks for: an index into one of the catalogue's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// A public name (A, AAAA, HTTPS).
    Host(u32),
    /// One of the company's own names.
    Internal(u32),
    /// A name that does not exist.
    Nx(u32),
    /// The mail relay: a domain's MX.
    Mx(u32),
    /// The mail relay: a domain's SPF (TXT).
    Spf(u32),
    /// The mail relay: a domain's DMARC policy (TXT at `_dmarc.`).
    Dmarc(u32),
    /// The mail relay: the address of a domain's mail exchange.
    Exchange(u32),
}

/// Share of workstation lookups for the company's own names.
const INTERNAL_SHARE: f64 = 0.08;
/// Share of workstation lookups for names that do not exist.
const NX_SHARE: f64 = 0.025;
/// Share of workstation lookups for public names.
pub(super) const HOST_SHARE: f64 = 1.0 - INTERNAL_SHARE - NX_SHARE;
/// Chance that a workstation asks for AAAA along with A (same socket, same UID).
pub(super) const AAAA_CHANCE: f64 = 0.7;
/// Chance that a browser also asks for HTTPS records of a public name.
pub(super) const HTTPS_CHANCE: f64 = 0.2;

/// The built-in catalogue, parsed once.
pub(super) fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::parse(BENIGN_DOMAINS))
}

impl Catalogue {
    /// Reads the catalogue format (see the file's header). Lenient: a line it cannot use is
    /// skipped, and the tests check that the shipped file loses none.
    pub(super) fn parse(text: &'static str) -> Self {
        #[derive(Clone, Copy)]
        enum Section {
            None,
            Hosts,
            Internal,
            Mail,
            Nx,
        }
        let mut catalogue = Self::default();
        let mut section = Section::None;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            section = match line {
                "[hosts]" => Section::Hosts,
                "[internal]" => Section::Internal,
                "[mail]" => Section::Mail,
                "[nxdomain]" => Section::Nx,
                _ => section,
            };
            if line.starts_with('[') {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some(name), second) = (words.next(), words.next()) else {
                continue;
            };
            match (section, second) {
                (Section::Hosts, cname) => catalogue.hosts.push(Host { name, cname }),
                (Section::Internal, None) => catalogue.internal.push(name),
                (Section::Mail, Some(exchange)) => catalogue.mail.push(MailDomain {
                    domain: name,
                    exchange,
                    dmarc_name: format!("_dmarc.{name}"),
                    spf: format!("v=spf1 mx include:_spf.{name} ~all"),
                    dmarc: format!(
                        "v=DMARC1; p=reject; rua=mailto:dmarc@{name},mailto:reports@{name}"
                    ),
                }),
                (Section::Nx, None) => catalogue.nxdomain.push(name),
                _ => {}
            }
        }
        catalogue.host_weights = zipf(catalogue.hosts.len());
        catalogue.internal_weights = zipf(catalogue.internal.len());
        catalogue.mail_weights = zipf(catalogue.mail.len());
        catalogue
    }

    /// What a workstation looks up next; `None` only for an empty catalogue.
    pub(super) fn draw_workstation(&self, rng: &mut Rng) -> Option<Target> {
        let roll = rng.unit();
        if roll < NX_SHARE && !self.nxdomain.is_empty() {
            let at = rng.below(self.nxdomain.len() as u64);
            return Some(Target::Nx(at as u32));
        }
        if roll < NX_SHARE + INTERNAL_SHARE
            && let Some(at) = pick(&self.internal_weights, rng)
        {
            return Some(Target::Internal(at));
        }
        pick(&self.host_weights, rng).map(Target::Host)
    }

    /// What the mail relay looks up next; `None` only for an empty catalogue.
    pub(super) fn draw_mail(&self, rng: &mut Rng) -> Option<Target> {
        let at = pick(&self.mail_weights, rng)?;
        Some(match rng.below(10) {
            0..=4 => Target::Mx(at),
            5 | 6 => Target::Spf(at),
            7 | 8 => Target::Dmarc(at),
            _ => Target::Exchange(at),
        })
    }

    /// The query types one lookup of `target` sends, in order (A first).
    pub(super) fn qtypes(target: Target, rng: &mut Rng, out: &mut Vec<QType>) {
        out.clear();
        match target {
            Target::Mx(_) => out.push(QType::Mx),
            Target::Spf(_) | Target::Dmarc(_) => out.push(QType::Txt),
            Target::Exchange(_) => out.push(QType::A),
            Target::Host(_) | Target::Internal(_) | Target::Nx(_) => {
                out.push(QType::A);
                if rng.chance(AAAA_CHANCE) {
                    out.push(QType::Aaaa);
                }
                if matches!(target, Target::Host(_)) && rng.chance(HTTPS_CHANCE) {
                    out.push(QType::Https);
                }
            }
        }
    }

    /// The query name of `target`, the response code, and the answers (into `answers`) at
    /// `time_secs`.
    pub(super) fn resolve(
        &'static self,
        target: Target,
        qtype: QType,
        time_secs: i64,
        answers: &mut Vec<Answer<'static>>,
    ) -> (&'static str, Rcode) {
        answers.clear();
        let index = |at: u32| at as usize;
        match target {
            Target::Host(at) => {
                let Some(host) = self.hosts.get(index(at)) else {
                    return ("", Rcode::NxDomain);
                };
                let mut owner = host.name;
                if let Some(cname) = host.cname {
                    answers.push(Answer {
                        data: Rdata::Name(cname),
                        ttl_secs: cached_ttl(cname, ttl_of(cname, &[300, 3600, 21_600]), time_secs),
                    });
                    owner = cname;
                }
                let facts = hash_name(owner);
                let ttl = ttl_of(owner, &[20, 60, 300, 300, 600, 3600]);
                let left = cached_ttl(owner, ttl, time_secs);
                match qtype {
                    QType::A => {
                        for k in 0..=facts % 3 {
                            answers.push(Answer {
                                data: Rdata::V4(public_v4(facts, k)),
                                ttl_secs: left,
                            });
                        }
                    }
                    QType::Aaaa if (facts >> 8) % 10 < 6 => {
                        for k in 0..=(facts >> 4) % 2 {
                            answers.push(Answer {
                                data: Rdata::V6(public_v6(facts, k)),
                                ttl_secs: left,
                            });
                        }
                    }
                    _ => {}
                }
                (host.name, Rcode::NoError)
            }
            Target::Internal(at) => {
                let name = self.internal.get(index(at)).copied().unwrap_or_default();
                if qtype == QType::A {
                    answers.push(Answer {
                        data: Rdata::V4(internal_v4(name)),
                        ttl_secs: cached_ttl(name, 1200, time_secs),
                    });
                }
                (name, Rcode::NoError)
            }
            Target::Nx(at) => (
                self.nxdomain.get(index(at)).copied().unwrap_or_default(),
                Rcode::NxDomain,
            ),
            Target::Mx(at) | Target::Spf(at) | Target::Dmarc(at) | Target::Exchange(at) => {
                let Some(mail) = self.mail.get(index(at)) else {
                    return ("", Rcode::NxDomain);
                };
                let ttl_secs =
                    cached_ttl(mail.domain, ttl_of(mail.domain, &[300, 3600]), time_secs);
                let (query, data) = match target {
                    Target::Mx(_) => (mail.domain, Rdata::Name(mail.exchange)),
                    Target::Spf(_) => (mail.domain, Rdata::Txt(&mail.spf)),
                    Target::Dmarc(_) => (mail.dmarc_name.as_str(), Rdata::Txt(&mail.dmarc)),
                    _ => {
                        let address = if self.internal.contains(&mail.exchange) {
                            internal_v4(mail.exchange)
                        } else {
                            public_v4(hash_name(mail.exchange), 0)
                        };
                        (mail.exchange, Rdata::V4(address))
                    }
                };
                answers.push(Answer { data, ttl_secs });
                (query, Rcode::NoError)
            }
        }
    }
}

/// Cumulative Zipf weights `1 / rank` for `n` items.
fn zipf(n: usize) -> Vec<f64> {
    let mut total = 0.0;
    (1..=n)
        .map(|rank| {
            total += 1.0 / rank as f64;
            total
        })
        .collect()
}

/// An index drawn by cumulative weights; `None` when there are none.
fn pick(cumulative: &[f64], rng: &mut Rng) -> Option<u32> {
    let total = *cumulative.last()?;
    let roll = rng.unit() * total;
    let at = cumulative.partition_point(|&c| c <= roll);
    Some(at.min(cumulative.len() - 1) as u32)
}

/// The name's TTL, one of `choices` by its hash.
fn ttl_of(name: &str, choices: &[u32]) -> u32 {
    let at = (hash_name(name) >> 40) as usize % choices.len().max(1);
    choices.get(at).copied().unwrap_or(300)
}

/// What is left of `name`'s `ttl` in the resolver's cache at `time_secs`: 1 to `ttl` seconds,
/// counting down, refreshed when it runs out.
fn cached_ttl(name: &str, ttl: u32, time_secs: i64) -> u32 {
    let ttl = i64::from(ttl.max(1));
    let phase = i64::from((hash_name(name) >> 32) as u32);
    (ttl - (time_secs + phase).rem_euclid(ttl)) as u32
}

/// The company's own names live in 10.0.1.0/24.
fn internal_v4(name: &str) -> [u8; 4] {
    [10, 0, 1, 1 + (hash_name(name) % 250) as u8]
}

/// Public names' IPv4 addresses: synthetic, in 198.18.0.0/15 (reserved for benchmarking, RFC
/// 2544), so they can never match a real threat-intel indicator.
fn public_v4(facts: u64, k: u64) -> [u8; 4] {
    let x = super::rng::mix(facts.wrapping_add(k));
    [
        198,
        18 + (x >> 16) as u8 % 2,
        (x >> 8) as u8,
        1 + (x % 254) as u8,
    ]
}

/// Public names' IPv6 addresses: synthetic, in `2001:db8::/32` (documentation, RFC 3849).
fn public_v6(facts: u64, k: u64) -> [u16; 8] {
    [
        0x2001,
        0x0db8,
        (facts >> 16) as u16,
        facts as u16,
        0,
        0,
        0,
        1 + k as u16,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_parses_completely() {
        let catalogue = catalogue();
        let listed = |section: &str| {
            BENIGN_DOMAINS
                .split(&format!("\n{section}\n"))
                .nth(1)
                .unwrap()
                .lines()
                .take_while(|line| !line.starts_with('['))
                .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
                .count()
        };
        assert_eq!(catalogue.hosts.len(), listed("[hosts]"));
        assert_eq!(catalogue.internal.len(), listed("[internal]"));
        assert_eq!(catalogue.mail.len(), listed("[mail]"));
        assert_eq!(catalogue.nxdomain.len(), listed("[nxdomain]"));
        assert!((240..=300).contains(&catalogue.hosts.len()));
    }

    #[test]
    fn names_are_valid_lower_case_and_unique() {
        let catalogue = catalogue();
        let mut names: Vec<&str> = catalogue.hosts.iter().map(|h| h.name).collect();
        names.extend(catalogue.hosts.iter().filter_map(|h| h.cname));
        names.extend(&catalogue.internal);
        names.extend(catalogue.mail.iter().map(|m| m.exchange));
        names.extend(&catalogue.nxdomain);
        let batch = dnshunt_features::normalize(&names);
        for (name, normalized) in names.iter().zip(batch.iter()) {
            assert!(normalized.is_valid(), "{name}");
            assert_eq!(normalized.query, *name, "written normalized");
        }
        let mut queried: Vec<&str> = catalogue.hosts.iter().map(|h| h.name).collect();
        queried.extend(&catalogue.internal);
        queried.extend(&catalogue.nxdomain);
        let count = queried.len();
        queried.sort_unstable();
        queried.dedup();
        assert_eq!(queried.len(), count, "duplicate names");
    }

    #[test]
    fn draws_follow_rank() {
        let catalogue = catalogue();
        let mut rng = Rng::new(0, "test", 0);
        let mut counts = vec![0_u32; catalogue.hosts.len()];
        for _ in 0..50_000 {
            if let Some(Target::Host(at)) = catalogue.draw_workstation(&mut rng) {
                counts[at as usize] += 1;
            }
        }
        assert!(
            counts[0] > counts[9] && counts[9] > counts[199],
            "{counts:?}"
        );
        assert!(counts[0] > 5_000, "{}", counts[0]);
    }

    #[test]
    fn the_cache_counts_down() {
        for time in 0..700 {
            let now = cached_ttl("www.example.com", 300, time);
            let next = cached_ttl("www.example.com", 300, time + 1);
            assert!((1..=300).contains(&now));
            assert_eq!(next, if now == 1 { 300 } else { now - 1 });
        }
    }

    #[test]
    fn answers_are_stable_per_name() {
        let catalogue = catalogue();
        let mut first = Vec::new();
        let mut second = Vec::new();
        let (name, rcode) = catalogue.resolve(Target::Host(1), QType::A, 1_000, &mut first);
        catalogue.resolve(Target::Host(1), QType::A, 1_001, &mut second);
        assert_eq!(name, "login.microsoftonline.com");
        assert_eq!(rcode, Rcode::NoError);
        assert!(matches!(
            first[0].data,
            Rdata::Name("login.mso.msidentity.com")
        ));
        let addresses = |answers: &[Answer<'_>]| {
            answers
                .iter()
                .map(|a| format!("{:?}", a.data))
                .collect::<Vec<_>>()
        };
        assert_eq!(addresses(&first), addresses(&second));
        let (_, rcode) = catalogue.resolve(Target::Nx(0), QType::A, 1_000, &mut first);
        assert_eq!(rcode, Rcode::NxDomain);
        assert!(first.is_empty());
    }
}

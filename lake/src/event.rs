//! One DNS observation as the sources produce it, before normalization.

/// A DNS observation. Times are microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// When it happened (query logs) or was first seen (passive DNS).
    pub event_time: i64,
    /// Passive DNS: first sighting.
    pub first_seen: Option<i64>,
    /// Passive DNS: last sighting.
    pub last_seen: Option<i64>,
    /// Times seen: 1 for query logs, the aggregate count for passive DNS (absent if not given).
    pub count: Option<i64>,
    /// The client address, when the source has one.
    pub client_ip: Option<String>,
    /// The server address, when the source has one.
    pub server_ip: Option<String>,
    /// The name exactly as logged (bytes: Zeek escapes may decode to invalid UTF-8).
    pub query_raw: Vec<u8>,
    /// Query or record type mnemonic (`A`, `AAAA`, or a number when unknown).
    pub qtype: Option<String>,
    /// Response code name (`NOERROR`, `NXDOMAIN`), when logged.
    pub rcode: Option<String>,
    /// Answer data in presentation form.
    pub answers: Vec<String>,
}

/// What a source made of one input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A DNS record.
    Event(Box<Event>),
    /// Not a record: a header, a blank line, stream framing, a non-DNS event in a shared stream.
    Skip,
    /// A record that cannot be used, with the reason.
    Reject(String),
}

impl Parsed {
    /// Shorthand for a rejection.
    pub fn reject(reason: impl Into<String>) -> Self {
        Self::Reject(reason.into())
    }
}

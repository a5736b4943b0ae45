//! Arrow shapes of the `events` and `quarantine` tables, and builders that fill them in chunks.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use dnshunt_features::NormalizedBatch;

use crate::event::Event;
use crate::lines::escape_raw;

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// The `events` table schema (`event_date` is the partition column).
pub fn events_schema() -> SchemaRef {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        Field::new("event_time", utc_micros(), false),
        Field::new("event_date", DataType::Date32, false),
        Field::new("first_seen", utc_micros(), true),
        Field::new("last_seen", utc_micros(), true),
        Field::new("count", DataType::Int64, true),
        text("source_format", false),
        text("source_file", false),
        Field::new("source_line", DataType::Int64, false),
        text("sensor", true),
        text("client_ip", true),
        text("server_ip", true),
        text("query", false),
        text("query_raw", false),
        text("qtype", true),
        text("rcode", true),
        Field::new("answers", DataType::new_list(DataType::Utf8, true), false),
        text("registered_domain", true),
        text("public_suffix", true),
        text("subdomain", true),
        text("domain_label", true),
        Field::new("is_valid_name", DataType::Boolean, false),
        text("invalid_reason", true),
    ]))
}

/// The `quarantine` table schema.
pub fn quarantine_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("file", DataType::Utf8, false),
        Field::new("line", DataType::Int64, false),
        Field::new("raw", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, false),
    ]))
}

/// Collects events of one file, then normalizes their names as one batch.
#[derive(Default)]
pub struct EventRows {
    events: Vec<(u64, Event)>,
}

impl EventRows {
    /// Adds an event read at `line`.
    pub fn push(&mut self, line: u64, event: Event) {
        self.events.push((line, event));
    }

    /// Rows collected so far.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Builds the `events` batch and empties the collector; every row gets the same format, file
    /// and sensor.
    pub fn finish(
        &mut self,
        format: &str,
        file: &str,
        sensor: Option<&str>,
    ) -> Result<RecordBatch, ArrowError> {
        let events = std::mem::take(&mut self.events);
        let raws: Vec<&[u8]> = events.iter().map(|(_, e)| e.query_raw.as_slice()).collect();
        let names: NormalizedBatch = dnshunt_features::normalize_bytes(&raws);
        let n = events.len();
        let mut event_time = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
        let mut event_date = Date32Builder::with_capacity(n);
        let mut first_seen = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
        let mut last_seen = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
        let mut count = Int64Builder::with_capacity(n);
        let mut source_line = Int64Builder::with_capacity(n);
        let mut strings: Vec<StringBuilder> = (0..14).map(|_| StringBuilder::new()).collect();
        let mut answers = ListBuilder::new(StringBuilder::new());
        let mut valid = BooleanBuilder::with_capacity(n);
        for ((line, e), name) in events.iter().zip(names.iter()) {
            event_time.append_value(e.event_time);
            event_date.append_value(e.event_time.div_euclid(MICROS_PER_DAY) as i32);
            first_seen.append_option(e.first_seen);
            last_seen.append_option(e.last_seen);
            count.append_option(e.count);
            source_line.append_value(i64::try_from(*line).unwrap_or(i64::MAX));
            let row: [Option<&str>; 14] = [
                Some(format),
                Some(file),
                sensor,
                e.client_ip.as_deref(),
                e.server_ip.as_deref(),
                Some(name.query),
                Some(&escape_raw(&e.query_raw, usize::MAX)),
                e.qtype.as_deref(),
                e.rcode.as_deref(),
                name.registered_domain,
                name.public_suffix,
                name.subdomain,
                name.domain_label,
                name.invalid.map(dnshunt_features::InvalidReason::as_str),
            ];
            for (builder, value) in strings.iter_mut().zip(row) {
                builder.append_option(value);
            }
            for answer in &e.answers {
                answers.values().append_value(answer);
            }
            answers.append(true);
            valid.append_value(name.is_valid());
        }
        let mut s = strings
            .into_iter()
            .map(|mut b| Arc::new(b.finish()) as ArrayRef);
        let mut next = || {
            s.next()
                .ok_or_else(|| ArrowError::SchemaError("column count".into()))
        };
        let (fmt, file, sensor, client, server, query, raw, qtype, rcode) = (
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
        );
        let (reg, suffix, sub, label, reason) = (next()?, next()?, next()?, next()?, next()?);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(event_time.finish()),
            Arc::new(event_date.finish()),
            Arc::new(first_seen.finish()),
            Arc::new(last_seen.finish()),
            Arc::new(count.finish()),
            fmt,
            file,
            Arc::new(source_line.finish()),
            sensor,
            client,
            server,
            query,
            raw,
            qtype,
            rcode,
            Arc::new(answers.finish()),
            reg,
            suffix,
            sub,
            label,
            Arc::new(valid.finish()),
            reason,
        ];
        RecordBatch::try_new(events_schema(), columns)
    }
}

/// Collects quarantined records.
#[derive(Default)]
pub struct QuarantineRows {
    file: StringBuilder,
    line: Int64Builder,
    raw: StringBuilder,
    reason: StringBuilder,
    len: usize,
}

/// How much of a rejected record the quarantine keeps.
pub const RAW_KEEP_BYTES: usize = 4096;

impl QuarantineRows {
    /// Adds a rejected record.
    pub fn push(&mut self, file: &str, line: u64, raw: &[u8], reason: &str) {
        self.file.append_value(file);
        self.line
            .append_value(i64::try_from(line).unwrap_or(i64::MAX));
        self.raw.append_value(escape_raw(raw, RAW_KEEP_BYTES));
        self.reason.append_value(reason);
        self.len += 1;
    }

    /// Rows collected so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Builds the `quarantine` batch and empties the collector.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        self.len = 0;
        RecordBatch::try_new(
            quarantine_schema(),
            vec![
                Arc::new(self.file.finish()),
                Arc::new(self.line.finish()),
                Arc::new(self.raw.finish()),
                Arc::new(self.reason.finish()),
            ],
        )
    }
}

//! The `indicators` table: the loaded threat-intel feeds as rows, so SQL can join events to them.
//! It is built from the feeds in `<home>/intel/` at query time, so it is never stale.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder, UInt8Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use dnshunt_intel::Indicator;

/// The `indicators` table schema (ARCHITECTURE.md), plus where each row came from.
pub fn indicators_schema() -> SchemaRef {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        text("feed", false),
        text("indicator", false),
        text("type", false),
        text("family", true),
        Field::new("tags", DataType::new_list(DataType::Utf8, true), false),
        text("threat", true),
        text("first_seen", true),
        text("last_seen", true),
        text("reference", true),
        Field::new("confidence", DataType::UInt8, true),
        text("source_value", true),
    ]))
}

/// The rows of `indicators`.
pub fn indicators_batch(indicators: &[Indicator]) -> Result<RecordBatch, ArrowError> {
    let mut text: Vec<StringBuilder> = (0..9).map(|_| StringBuilder::new()).collect();
    let mut tags = ListBuilder::new(StringBuilder::new());
    let mut confidence = UInt8Builder::new();
    for i in indicators {
        let row: [Option<&str>; 9] = [
            Some(&i.feed),
            Some(&i.indicator),
            Some(i.kind.as_str()),
            i.family.as_deref(),
            i.threat.as_deref(),
            i.first_seen.as_deref(),
            i.last_seen.as_deref(),
            i.reference.as_deref(),
            i.source_value.as_deref(),
        ];
        for (builder, value) in text.iter_mut().zip(row) {
            builder.append_option(value);
        }
        for tag in &i.tags {
            tags.values().append_value(tag);
        }
        tags.append(true);
        confidence.append_option(i.confidence);
    }
    let mut text: Vec<ArrayRef> = text
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    let source_value = text.pop();
    let after_family = text.split_off(4);
    let mut columns = text;
    columns.push(Arc::new(tags.finish()));
    columns.extend(after_family);
    columns.push(Arc::new(confidence.finish()));
    columns.extend(source_value);
    RecordBatch::try_new(indicators_schema(), columns)
}

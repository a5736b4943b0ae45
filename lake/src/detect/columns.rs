//! Reading typed columns out of query results, whatever string or integer encoding `DataFusion`
//! picked.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};

use crate::LakeError;

fn column(batch: &RecordBatch, name: &str, to: &DataType) -> Result<ArrayRef, LakeError> {
    let c = batch
        .column_by_name(name)
        .ok_or_else(|| LakeError::Sql(format!("the result has no column {name}")))?;
    Ok(deltalake::arrow::compute::cast(c, to)?)
}

/// A string column.
pub fn strings(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, LakeError> {
    let c = column(batch, name, &DataType::Utf8)?;
    Ok(c.as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}

/// An integer column; NULL reads as 0.
pub fn integers(batch: &RecordBatch, name: &str) -> Result<Vec<i64>, LakeError> {
    let c = column(batch, name, &DataType::Int64)?;
    Ok(c.as_primitive::<Int64Type>()
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

/// A float column; NULL reads as 0.
pub fn floats(batch: &RecordBatch, name: &str) -> Result<Vec<f64>, LakeError> {
    let c = column(batch, name, &DataType::Float64)?;
    Ok(c.as_primitive::<Float64Type>()
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

/// How queries of a group are summed in SQL: as `DOUBLE`, because the `count` of passive DNS is
/// the sender's number and an `Int64` sum of hostile counts would silently wrap negative.
pub const QUERIES_SUM: &str = "sum(CAST(coalesce(count, 1) AS DOUBLE))";

/// A [`QUERIES_SUM`] column as integers, saturating at `i64::MAX`.
pub fn query_counts(batch: &RecordBatch, name: &str) -> Result<Vec<i64>, LakeError> {
    // `as` saturates; NaN cannot come from summing finite counts.
    Ok(floats(batch, name)?.into_iter().map(|q| q as i64).collect())
}

/// A timestamp column as microseconds since the epoch; NULL reads as 0.
pub fn micros(batch: &RecordBatch, name: &str) -> Result<Vec<i64>, LakeError> {
    let c = column(
        batch,
        name,
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    )?;
    let c = deltalake::arrow::compute::cast(&c, &DataType::Int64)?;
    Ok(c.as_primitive::<Int64Type>()
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

/// A list-of-strings column.
pub fn string_lists(batch: &RecordBatch, name: &str) -> Result<Vec<Vec<String>>, LakeError> {
    let c = column(batch, name, &DataType::new_list(DataType::Utf8, true))?;
    let lists = c.as_list::<i32>();
    Ok((0..lists.len())
        .map(|row| {
            if lists.is_null(row) {
                return Vec::new();
            }
            let values = lists.value(row);
            values
                .as_string::<i32>()
                .iter()
                .flatten()
                .map(str::to_owned)
                .collect()
        })
        .collect())
}

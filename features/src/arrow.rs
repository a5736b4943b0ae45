//! The batch API over Arrow arrays, for the lake and for `DataFusion` functions.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder, UInt8Builder};
use arrow_array::{
    Array, ArrayRef, Float64Array, GenericStringArray, OffsetSizeTrait, RecordBatch,
};
use arrow_schema::{DataType, Field, Schema};

use crate::{FEATURES, FeatureMatrix, FeaturesError, NormalizedBatch};

/// Normalizes every value of a string array; a null becomes an invalid (`empty`) name, so rows
/// stay aligned with the input.
pub fn normalize_array<O: OffsetSizeTrait>(names: &GenericStringArray<O>) -> NormalizedBatch {
    let mut batch = NormalizedBatch::with_capacity(names.len());
    for name in names {
        batch.push(name.unwrap_or(""));
    }
    batch
}

/// The columns of a normalized batch, as in the lake's `events` table.
pub fn normalized_record_batch(batch: &NormalizedBatch) -> Result<RecordBatch, FeaturesError> {
    let n = batch.len();
    let mut query = StringBuilder::with_capacity(n, n * 24);
    let mut registered = StringBuilder::with_capacity(n, n * 16);
    let mut suffix = StringBuilder::with_capacity(n, n * 4);
    let mut subdomain = StringBuilder::with_capacity(n, n * 8);
    let mut label = StringBuilder::with_capacity(n, n * 12);
    let mut kind = StringBuilder::with_capacity(n, n * 5);
    let mut labels = UInt8Builder::with_capacity(n);
    let mut valid = BooleanBuilder::with_capacity(n);
    let mut reason = StringBuilder::with_capacity(n, n);
    let mut idn = BooleanBuilder::with_capacity(n);
    let mut mixed = BooleanBuilder::with_capacity(n);
    for name in batch.iter() {
        query.append_value(name.query);
        registered.append_option(name.registered_domain);
        suffix.append_option(name.public_suffix);
        subdomain.append_option(name.subdomain);
        label.append_option(name.domain_label);
        kind.append_value(name.suffix_kind.as_str());
        labels.append_value(name.label_count);
        valid.append_value(name.is_valid());
        reason.append_option(name.invalid.map(crate::InvalidReason::as_str));
        idn.append_value(name.is_idn);
        mixed.append_value(name.mixed_script);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("query", Arc::new(query.finish())),
        ("registered_domain", Arc::new(registered.finish())),
        ("public_suffix", Arc::new(suffix.finish())),
        ("subdomain", Arc::new(subdomain.finish())),
        ("domain_label", Arc::new(label.finish())),
        ("suffix_kind", Arc::new(kind.finish())),
        ("label_count", Arc::new(labels.finish())),
        ("is_valid_name", Arc::new(valid.finish())),
        ("invalid_reason", Arc::new(reason.finish())),
        ("is_idn", Arc::new(idn.finish())),
        ("mixed_script", Arc::new(mixed.finish())),
    ];
    record_batch(columns)
}

/// The feature matrix as one `Float64` column per feature, named as in the schema.
pub fn feature_record_batch(matrix: &FeatureMatrix) -> Result<RecordBatch, FeaturesError> {
    let columns = FEATURES
        .iter()
        .enumerate()
        .map(|(col, feature)| {
            let values: Float64Array = (0..matrix.rows())
                .map(|row| matrix.as_slice()[row * matrix.cols() + col])
                .collect::<Vec<f64>>()
                .into();
            (feature.name, Arc::new(values) as ArrayRef)
        })
        .collect();
    record_batch(columns)
}

fn record_batch(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, FeaturesError> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| {
            Field::new(
                *name,
                array.data_type().clone(),
                array.null_count() > 0 || nullable(array.data_type()),
            )
        })
        .collect();
    let arrays = columns.into_iter().map(|(_, array)| array).collect();
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// String columns are nullable (a part may be missing); numbers and flags never are.
fn nullable(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Utf8)
}

#[cfg(test)]
mod tests {
    use arrow_array::{BooleanArray, StringArray};

    use super::*;
    use crate::FeatureExtractor;

    #[test]
    fn arrow_round_trip_keeps_rows_aligned() {
        let input = StringArray::from(vec![Some("WWW.Example.co.uk."), None, Some("bad..name")]);
        let batch = normalize_array(&input);
        let table = normalized_record_batch(&batch).unwrap();
        assert_eq!(table.num_rows(), 3);
        let registered = table.column_by_name("registered_domain").unwrap();
        let registered = registered.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(registered.value(0), "example.co.uk");
        assert!(registered.is_null(1) && registered.is_null(2));
        let valid = table.column_by_name("is_valid_name").unwrap();
        let valid = valid.as_any().downcast_ref::<BooleanArray>().unwrap();
        assert_eq!(
            valid.iter().collect::<Vec<_>>(),
            vec![Some(true), Some(false), Some(false)]
        );

        let features = feature_record_batch(&FeatureExtractor::builtin().extract(&batch)).unwrap();
        assert_eq!(features.num_columns(), FEATURES.len());
        let length = features.column_by_name("length").unwrap();
        let length = length.as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(length.value(0), 7.0);
    }
}

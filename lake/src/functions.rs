//! dnshunt's SQL functions. Each one receives a whole Arrow string column and calls the same
//! batch code as the CLI and the scoring API, so SQL, models and serving agree:
//!
//! | function | returns |
//! |---|---|
//! | `registered_domain(x)` | the registrable domain (`asdklgb.cf` for `ns1.asdklgb.cf.`) |
//! | `public_suffix(x)` | the public suffix (`cf`) |
//! | `dga_score(x)` | the DGA model's calibrated score, 0–1 |
//! | `dga_label(x)` | `dga` or `benign` at the model's default threshold |
//! | `typo_brand(x)` | the watched brand a name imitates most closely, or NULL |
//! | `intel_match(x)` | the strongest threat-intel match of a name or address, or NULL |
//!
//! NULL in gives NULL out.

use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use deltalake::datafusion::error::DataFusionError;
use deltalake::datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};
use deltalake::datafusion::prelude::SessionContext;
use dnshunt_features::{NormalizedBatch, normalize};
use dnshunt_intel::IntelIndex;
use dnshunt_models::Model;
use dnshunt_typosquat::LookalikeIndex;

use crate::detect::signals::intel_signals;

/// What the SQL functions score with.
#[derive(Clone, Default)]
pub struct Functions {
    model: Option<Arc<Model>>,
    watchlist: Option<Arc<LookalikeIndex>>,
    intel: Arc<IntelIndex>,
}

impl Functions {
    /// Functions with no model, no watchlist and no feeds: only the name functions work; the
    /// others say what is missing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Scores `dga_score` and `dga_label` with `model`.
    #[must_use]
    pub fn with_model(mut self, model: Model) -> Self {
        self.model = Some(Arc::new(model));
        self
    }

    /// Matches `typo_brand` against `watchlist`.
    #[must_use]
    pub fn with_watchlist(mut self, watchlist: LookalikeIndex) -> Self {
        self.watchlist = Some(Arc::new(watchlist));
        self
    }

    /// Matches `intel_match` against `intel`.
    #[must_use]
    pub fn with_intel(mut self, intel: IntelIndex) -> Self {
        self.intel = Arc::new(intel);
        self
    }

    /// The indicators the functions match against.
    pub fn indicators(&self) -> &[dnshunt_intel::Indicator] {
        self.intel.indicators()
    }

    /// The DGA model, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_deref()
    }

    /// The watchlist index, if any.
    pub fn watchlist(&self) -> Option<&LookalikeIndex> {
        self.watchlist.as_deref()
    }

    /// The threat-intel index (empty without feeds).
    pub fn intel(&self) -> &IntelIndex {
        &self.intel
    }

    /// Registers every function in `ctx`.
    pub fn register(&self, ctx: &SessionContext) {
        ctx.register_udf(name_function("registered_domain", |name| {
            name.registered_domain
        }));
        ctx.register_udf(name_function("public_suffix", |name| name.public_suffix));

        let model = self.model.clone();
        ctx.register_udf(udf("dga_score", DataType::Float64, move |names| {
            let model = model.as_deref().ok_or_else(no_model)?;
            let scores = model.score_batch(names.batch());
            let mut out = Float64Builder::with_capacity(names.len());
            for (row, score) in scores.iter().enumerate() {
                out.append_option(names.present(row).then_some(f64::from(*score)));
            }
            Ok(Arc::new(out.finish()))
        }));
        let model = self.model.clone();
        ctx.register_udf(udf("dga_label", DataType::Utf8, move |names| {
            let model = model.as_deref().ok_or_else(no_model)?;
            let scores = model.score_batch(names.batch());
            let mut out = StringBuilder::new();
            for (row, score) in scores.iter().enumerate() {
                out.append_option(names.present(row).then(|| model.verdict(*score).as_str()));
            }
            Ok(Arc::new(out.finish()))
        }));

        let watchlist = self.watchlist.clone();
        ctx.register_udf(udf("typo_brand", DataType::Utf8, move |names| {
            let index = watchlist.as_deref().ok_or_else(|| {
                DataFusionError::Execution(
                    "typo_brand needs a watchlist: write one brand per line to <home>/watchlist.txt or pass --brands FILE".into(),
                )
            })?;
            let mut best: Vec<Option<(f32, usize)>> = vec![None; names.len()];
            for found in index.match_batch(names.batch()) {
                let slot = &mut best[found.row];
                if slot.is_none_or(|(score, _)| found.score > score) {
                    *slot = Some((found.score, found.brand));
                }
            }
            let brands = &index.watchlist().brands;
            let mut out = StringBuilder::new();
            for slot in best {
                out.append_option(slot.map(|(_, brand)| brands[brand].name.as_str()));
            }
            Ok(Arc::new(out.finish()))
        }));

        let intel = self.intel.clone();
        ctx.register_udf(udf("intel_match", DataType::Utf8, move |names| {
            let mut out = StringBuilder::new();
            for signal in intel_signals(&intel, names.batch()) {
                out.append_option(signal.map(|s| s.text));
            }
            Ok(Arc::new(out.finish()))
        }));
    }
}

fn no_model() -> DataFusionError {
    DataFusionError::Execution("dga_score and dga_label need a DGA model".into())
}

/// A column of names, normalized once, with its NULL rows remembered.
struct Names {
    batch: NormalizedBatch,
    nulls: Vec<bool>,
}

impl Names {
    fn of(column: &ArrayRef) -> Result<Self, DataFusionError> {
        let column = deltalake::arrow::compute::cast(column, &DataType::Utf8)?;
        let strings = column.as_string::<i32>();
        let nulls = (0..strings.len()).map(|row| strings.is_null(row)).collect();
        let values: Vec<&str> = strings.iter().map(|v| v.unwrap_or("")).collect();
        Ok(Self {
            batch: normalize(&values),
            nulls,
        })
    }

    fn len(&self) -> usize {
        self.nulls.len()
    }

    fn present(&self, row: usize) -> bool {
        !self.nulls[row]
    }

    fn batch(&self) -> &NormalizedBatch {
        &self.batch
    }
}

type Body = dyn Fn(&Names) -> Result<ArrayRef, DataFusionError> + Send + Sync;

/// A one-argument string function over whole columns.
fn udf(
    name: &str,
    returns: DataType,
    body: impl Fn(&Names) -> Result<ArrayRef, DataFusionError> + Send + Sync + 'static,
) -> deltalake::datafusion::logical_expr::ScalarUDF {
    let body: Arc<Body> = Arc::new(body);
    create_udf(
        name,
        vec![DataType::Utf8],
        returns,
        Volatility::Immutable,
        Arc::new(move |args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let column = arrays.first().ok_or_else(|| {
                DataFusionError::Plan("dnshunt functions take one argument".into())
            })?;
            Ok(ColumnarValue::Array(body(&Names::of(column)?)?))
        }),
    )
}

/// A function that returns one field of each normalized name.
fn name_function(
    name: &str,
    field: for<'a> fn(dnshunt_features::Name<'a>) -> Option<&'a str>,
) -> deltalake::datafusion::logical_expr::ScalarUDF {
    udf(name, DataType::Utf8, move |names| {
        let mut out = StringBuilder::new();
        for (row, name) in names.batch().iter().enumerate() {
            out.append_option(if names.present(row) {
                field(name)
            } else {
                None
            });
        }
        Ok(Arc::new(out.finish()))
    })
}

//! DNS log sources into Delta Lake tables, `DataFusion` SQL with dnshunt functions, and detection over the lake.

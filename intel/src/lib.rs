//! Threat-intelligence feed loaders, an indicator index, and suffix-aware domain and IP matching.

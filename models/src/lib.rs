//! DGA classifiers behind one trait, with calibration, metrics, artefacts, the model registry and the run store.

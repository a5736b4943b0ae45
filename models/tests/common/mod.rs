//! Training data for tests, built by the real dataset builder.

use std::collections::BTreeSet;

use dnshunt_datasets::builder::{BuildOptions, Dataset, Split};
use dnshunt_datasets::dga::{self, Style};
use dnshunt_datasets::labelled::Label;
use dnshunt_models::{LabelledNames, TrainingData};

/// A dataset of `per_family` names per built-in DGA family and every `benign_stride`-th benign
/// domain, split by the builder.
pub fn training_data(per_family: usize, benign_stride: usize) -> TrainingData {
    let dataset = Dataset::build(&BuildOptions {
        per_family,
        ..BuildOptions::default()
    })
    .unwrap();
    let mut data = TrainingData {
        dataset_manifest_hash: dataset.manifest.hash(),
        dictionary_families: dga::families()
            .into_iter()
            .filter(|f| f.style() == Style::Wordlist)
            .map(|f| f.name().to_owned())
            .collect::<BTreeSet<_>>(),
        ..TrainingData::default()
    };
    let mut benign_seen = 0usize;
    for row in &dataset.rows {
        let dga = row.label == Label::Dga;
        if !dga {
            benign_seen += 1;
            if !benign_seen.is_multiple_of(benign_stride) {
                continue;
            }
        }
        let set: &mut LabelledNames = match row.split {
            Split::Train => &mut data.train,
            Split::Validation => &mut data.validation,
            Split::Test => &mut data.test,
        };
        set.push(row.domain.clone(), dga, row.family.clone());
    }
    data
}

"""The seed notebook's DGA approach, as the baseline of bench/scoring.sh.

The notebook ("Detecting Criminals and Nation States through DNS Analytics", see ../shared/seed/)
splits each name with tldextract, describes its domain label by four numbers (length, Shannon
entropy, and the summed log10 counts of its character 3-5-grams in the benign names and in an
English word list, both counted with scikit-learn's CountVectorizer), fits a 20-tree
RandomForestClassifier, and scores one domain at a time from a Python UDF. This script does the
same on dnshunt's own training rows and test names, so the figures sit beside dnshunt's from one
run:

- fit: the vectorizers on the training split (benign rows) and the word list, then the forest;
- accuracy: ROC AUC and recall at the test split's own FPR 1e-3 threshold (computed in bulk, which
  gives the same scores as the UDF, only faster);
- throughput: the UDF path (tldextract, features, predict_proba of one row) over the first
  --udf-names test names, one call per name, as the notebook ran it.

Usage: notebook_rf.py TRAIN_CSV TEST_NAMES WORD_LIST [--udf-names N] [--seed S]
Prints one JSON object.
"""

import argparse
import json
import math
import time
from collections import Counter

import numpy as np
import tldextract
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import roc_auc_score

# Offline: the suffix list bundled with tldextract, never fetched.
EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def domain_label(name):
    return EXTRACT(name.strip().rstrip(".")).domain


def entropy(text):
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


class NotebookModel:
    def __init__(self, benign_labels, words, seed):
        self.benign_vc = CountVectorizer(analyzer="char", ngram_range=(3, 5), min_df=1e-4, max_df=1.0)
        counts = self.benign_vc.fit_transform(benign_labels)
        self.benign_counts = np.log10(np.asarray(counts.sum(axis=0)).ravel())
        self.word_vc = CountVectorizer(analyzer="char", ngram_range=(3, 5), min_df=1e-5, max_df=1.0)
        counts = self.word_vc.fit_transform(words)
        self.word_counts = np.log10(np.asarray(counts.sum(axis=0)).ravel())
        self.forest = RandomForestClassifier(n_estimators=20, random_state=seed)

    def features(self, labels):
        benign = self.benign_vc.transform(labels) @ self.benign_counts
        word = self.word_vc.transform(labels) @ self.word_counts
        lengths = [len(label) for label in labels]
        entropies = [entropy(label) for label in labels]
        return np.column_stack([lengths, entropies, benign, word])

    def fit(self, labels, y):
        self.forest.fit(self.features(labels), y)

    def scores(self, labels):
        return self.forest.predict_proba(self.features(labels))[:, 1]

    def udf(self, name):
        """One call of the notebook's UDF: split, describe, predict."""
        label = domain_label(name)
        return self.forest.predict_proba(self.features([label]))[0, 1]


def recall_at_fpr(scores, y, fpr):
    benign = np.sort(scores[y == 0])[::-1]
    allowed = int(math.floor(fpr * len(benign)))
    threshold = np.nextafter(benign[allowed], np.inf) if allowed < len(benign) else -np.inf
    return float(np.mean(scores[y == 1] >= threshold))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train_csv")
    parser.add_argument("test_names")
    parser.add_argument("word_list")
    parser.add_argument("--test-labels", help="CSV of domain,label for the test names (accuracy)")
    parser.add_argument("--udf-names", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    train_names, train_y = [], []
    with open(args.train_csv, encoding="utf-8") as f:
        for line in f:
            name, label = line.rstrip("\n").rsplit(",", 1)
            train_names.append(name)
            train_y.append(int(label))
    with open(args.test_names, encoding="utf-8") as f:
        test_names = [line.rstrip("\n") for line in f]
    with open(args.word_list, encoding="utf-8") as f:
        words = [w.strip() for w in f if w.strip() and not w.startswith("#")]

    started = time.perf_counter()
    train_labels = [domain_label(n) for n in train_names]
    benign_labels = [label for label, y in zip(train_labels, train_y) if y == 0]
    model = NotebookModel(benign_labels, words, args.seed)
    model.fit(train_labels, np.array(train_y))
    fit_seconds = time.perf_counter() - started

    result = {
        "approach": "seed notebook: tldextract + length, entropy, 3-5-gram log counts (benign, words) + RandomForest(20), one domain per call",
        "train_rows": len(train_names),
        "fit_seconds": round(fit_seconds, 3),
    }
    if args.test_labels:
        labelled = {}
        with open(args.test_labels, encoding="utf-8") as f:
            for line in f:
                name, label = line.rstrip("\n").rsplit(",", 1)
                labelled[name] = int(label)
        y = np.array([labelled[n] for n in test_names])
        scores = model.scores([domain_label(n) for n in test_names])
        result["test_roc_auc"] = round(float(roc_auc_score(y, scores)), 5)
        result["test_best_recall_at_fpr_1e-3"] = round(recall_at_fpr(scores, y, 1e-3), 4)

    sample = test_names[: args.udf_names]
    model.udf(sample[0])  # warm-up
    started = time.perf_counter()
    for name in sample:
        model.udf(name)
    seconds = time.perf_counter() - started
    result["udf_names"] = len(sample)
    result["udf_seconds"] = round(seconds, 3)
    result["udf_names_per_second"] = round(len(sample) / seconds, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

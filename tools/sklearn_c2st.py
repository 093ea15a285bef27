#!/usr/bin/env python3
"""Reference C2ST exactly as sbibm computes it (sbibm/metrics/c2st.py), with scikit-learn.

Usage: /usr/bin/python3 tools/sklearn_c2st.py X.csv Y.csv [--seed 1] [--folds 5]

X.csv holds the reference samples, Y.csv the model samples: one sample per row, comma
separated, no header. Prints one JSON object: accuracy (mean test accuracy over the folds),
fold_accuracies, fold_epochs (sklearn's n_iter_ per fold), seconds and cpu_seconds (wall and process CPU
time of the cross-validation alone), and the sklearn version.
"""
import argparse
import json
import sys
import time

try:
    import numpy as np
    import sklearn
    from sklearn.model_selection import KFold
    from sklearn.neural_network import MLPClassifier
except ImportError as error:  # pragma: no cover - reported to the caller
    print(json.dumps({"error": f"scikit-learn is not importable: {error}"}))
    sys.exit(3)


def load(path):
    data = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("x")
    parser.add_argument("y")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    x = load(args.x)
    y = load(args.y)
    if x.shape[1] != y.shape[1]:
        print(json.dumps({"error": f"dimension mismatch: {x.shape[1]} vs {y.shape[1]}"}))
        return 2

    # z-score both with the reference's mean and unbiased std (torch.std default).
    mean = x.mean(axis=0)
    std = x.std(axis=0, ddof=1)
    x = (x - mean) / std
    y = (y - mean) / std

    ndim = x.shape[1]
    data = np.concatenate((x, y))
    target = np.concatenate((np.zeros((x.shape[0],)), np.ones((y.shape[0],))))

    start = time.perf_counter()
    cpu_start = time.process_time()
    # Same as sbibm's cross_val_score(clf, data, target, cv=KFold(...), scoring="accuracy"),
    # unrolled so the per-fold epochs can be reported; each fold gets a fresh clone
    # with the same random_state, as cross_val_score does.
    folds = KFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    accuracies = []
    epochs = []
    for train, test in folds.split(data, target):
        clf = MLPClassifier(
            activation="relu",
            hidden_layer_sizes=(10 * ndim, 10 * ndim),
            max_iter=10000,
            solver="adam",
            random_state=args.seed,
        )
        clf.fit(data[train], target[train])
        accuracies.append(float(np.mean(clf.predict(data[test]) == target[test])))
        epochs.append(int(clf.n_iter_))
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start

    print(json.dumps({
        "accuracy": float(np.mean(accuracies)),
        "fold_accuracies": accuracies,
        "fold_epochs": epochs,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "sklearn_version": sklearn.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Score rows with scikit-learn's IsolationForest, the reference for the Java implementation.

Usage: sklearn_iforest.py TRAIN.csv TEST.csv OUT.txt [SEED]

TRAIN.csv and TEST.csv hold one row of comma-separated numbers per line, no header. The forest
is fitted on TRAIN with the defaults of Liu, Ting and Zhou (100 trees, subsample size 256) and
OUT.txt gets one anomaly score per TEST row: the negated score_samples, so that higher means
more anomalous and values lie in (0, 1] like the paper's score.
"""
import sys

import numpy as np
from sklearn.ensemble import IsolationForest


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__)
    seed = int(argv[4]) if len(argv) == 5 else 0
    train = np.loadtxt(argv[1], delimiter=",", ndmin=2)
    test = np.loadtxt(argv[2], delimiter=",", ndmin=2)
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed)
    forest.fit(train)
    np.savetxt(argv[3], -forest.score_samples(test), fmt="%.17g")


if __name__ == "__main__":
    main(sys.argv)

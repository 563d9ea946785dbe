"""Training, evaluation and persistence of the scikit-learn turn classifiers."""

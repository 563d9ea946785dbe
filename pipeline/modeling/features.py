"""The scikit-learn pipelines: raw text in, prediction out, one per task."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from ..classify.normalize import normalize


def text_features() -> FeatureUnion:
    """Word 1-2-grams and within-word character 3-4-grams over normalised text.

    Character n-grams carry misheard and misspelt words (ASR output) and Dutch compounds;
    normalisation makes written and ASR forms alike. 3-4 (not 2-5) keeps scoring fast.
    """
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(preprocessor=normalize, ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=normalize, analyzer="char_wb", ngram_range=(3, 4), min_df=2, sublinear_tf=True
                ),
            ),
        ]
    )


def customer_pipeline(c: float = 10.0, seed: int = 13) -> Pipeline:
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", text_features()), ("clf", clf)])


def agent_pipeline(c: float = 10.0, seed: int = 13) -> Pipeline:
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", text_features()), ("clf", OneVsRestClassifier(clf))])

"""The scikit-learn pipelines: raw text in, prediction out, one per task."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from ..classify.normalize import normalize_all
from ..classify.trained import COMBINATION_SEP

# Hashed feature spaces: no vocabulary lookups in Python at scoring time (2.6x faster than a
# fitted vocabulary on the same n-grams). Buckets never seen in training keep a zero weight,
# so the compressed artifact stays small.
WORD_BUCKETS = 2**18
CHAR_BUCKETS = 2**17


def text_features() -> Pipeline:
    """Normalise once, then word 1-2-grams and within-word character 3-4-grams, TF-IDF weighted.

    Character n-grams carry misheard and misspelt words (ASR output) and Dutch compounds;
    normalisation makes written and ASR forms alike. 3-4 (not 2-5) keeps scoring fast.
    """
    counts = {"lowercase": False, "alternate_sign": False, "norm": None}
    words = HashingVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", n_features=WORD_BUCKETS, **counts)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 4), n_features=CHAR_BUCKETS, **counts)
    union = FeatureUnion(
        [
            ("words", make_pipeline(words, TfidfTransformer(sublinear_tf=True))),
            ("chars", make_pipeline(chars, TfidfTransformer(sublinear_tf=True))),
        ]
    )
    return Pipeline([("normalize", FunctionTransformer(normalize_all)), ("tfidf", union)])


def customer_pipeline(c: float = 10.0, seed: int = 13) -> Pipeline:
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", text_features()), ("clf", clf)])


def agent_pipeline(c: float = 10.0, seed: int = 13) -> Pipeline:
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", text_features()), ("clf", OneVsRestClassifier(clf))])


NO_TAGS = "(none)"


def combination_label(tags: Sequence[str]) -> str:
    """One class per tag combination (``"solution+dismissive"``, ``"(none)"``), tags in AGENT_TAGS order."""
    return COMBINATION_SEP.join(tags) or NO_TAGS


def combination_head(c: float = 10.0, seed: int = 13) -> LogisticRegression:
    """Multinomial logistic regression over whole tag combinations, fitted on the agent pipeline's features.

    One-vs-rest models each tag alone, so a blaming turn scores high on both ``commiseration``
    (blaming the company) and ``dismissive`` (blaming the customer); classes over combinations
    compete with each other, which separates those look-alikes. Its per-tag probability is the
    sum over the combinations that contain the tag. Classes are weighted by inverse frequency, as
    in the per-tag models, so rare combinations (``empathy+boundary``) are not drowned out.
    """
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)

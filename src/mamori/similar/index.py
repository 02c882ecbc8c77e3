"""An in-memory index of known cases: TF-IDF over character n-grams, cosine top-k.

Texts are compared in the analyzer's normalised form (:func:`normalize`: My Numbers masked,
width and spacing tricks undone, spelling variants such as 漏洩/漏えい or 個人番号/マイナンバー
mapped to one form), so that a reworded or disguised message still lands near the case it
repeats. Each text becomes a vector of its character 2- and 3-grams weighted by TF-IDF
(scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)``,
rows L2-normalised), and the score of a stored text is the cosine of the two vectors: 1.0 for
the same text, about 0.4 for a retelling of the same story in other words, below 0.3 for
unrelated messages. Once there are 50 texts or more, n-grams found in more than half of them
(マイナンバー in a My Number registry) are left out, as ``max_df=0.5`` would: they weigh almost
nothing and would cost the most to score.

A query reads only the rows of the query's n-grams in the transposed matrix (n-grams × texts)
and adds them up, weighted: a few milliseconds for 100,000 texts. Texts added after :meth:`SimilarityIndex.fit`
are vectorised with the fitted vocabulary; :attr:`SimilarityIndex.stale` says when enough were
added that the owner should fit again (the case registry does it on its next query).

The index knows integer ids and texts, nothing about databases, and is not thread-safe: its owner
serialises calls.

>>> index = SimilarityIndex().fit([1, 2], [normalize("市役所の職員が来て手数料を払えと言った"),
...                                        normalize("警察官を名乗る男がキャッシュカードを回収に来た")])
>>> [case_id for case_id, score in index.query(normalize("警察の者がキャッシュカードを回収すると言う"), k=1)]
[2]
>>> index.shared(normalize("警察の者がキャッシュカードを回収すると言う"),
...              normalize("警察官を名乗る男がキャッシュカードを回収に来た"))
['キャッシュカードを回収']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from mamori.errors import InputError
from mamori.similar.text import normalize

__all__ = ["SimilarityIndex", "normalize"]

_EDGE = " \t\n、。,.!?！？「」『』()（）[]【】・:：;；…-ー~"
_MASK_LABELS = ("[個人番号]", "[マイナンバー]", "[法人番号]")
_PARTICLES = "がをにのはともでへや"


class SimilarityIndex:
    """Nearest texts by TF-IDF cosine over character n-grams.

    Args:
        ngram_range: the n-gram lengths, 2- and 3-grams by default.
        refit_ratio: :attr:`stale` turns true once the texts added since the last fit reach
            this share of the fitted ones.
        small: below this many fitted texts, any addition makes the index :attr:`stale` (fitting
            is cheap there, and a small vocabulary misses much of a new text).
        merge_every: texts added since the fit are kept in a side matrix, merged into the main
            one once they are this many.
        max_df: n-grams in more than this share of the texts are left out (from ``min_docs`` texts).
        min_docs: below this many texts, every n-gram is kept.

    Learned attributes: ``vectorizer_`` (the fitted TfidfVectorizer, ``None`` when empty),
    ``kept_`` (its vocabulary columns that are scored), ``ids_`` (ids in row order),
    ``n_fitted_`` and ``n_added_``.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (2, 3),
        refit_ratio: float = 0.2,
        small: int = 1000,
        merge_every: int = 2000,
        max_df: float = 0.5,
        min_docs: int = 50,
    ) -> None:
        self.ngram_range = ngram_range
        self.refit_ratio = refit_ratio
        self.small = small
        self.merge_every = merge_every
        self.max_df = max_df
        self.min_docs = min_docs
        self.vectorizer_: Any = None
        self.kept_ = np.zeros(0, dtype=np.int64)  # vocabulary columns kept (not too common)
        self.ids_ = np.zeros(0, dtype=np.int64)
        self.n_fitted_ = 0
        self.n_added_ = 0
        self._main_t: sparse.csr_matrix | None = None  # n-grams x texts
        self._delta: sparse.csr_matrix | None = None  # texts added since the fit x n-grams
        self._pending: list[sparse.csr_matrix] = []
        self._columns = np.zeros(0, dtype=np.int64)  # vocabulary column -> kept column, or -1

    def __len__(self) -> int:
        return self.n_fitted_ + self.n_added_

    @property
    def stale(self) -> bool:
        """Whether texts were added that the fitted vocabulary and weights do not reflect enough."""
        if not self.n_added_:
            return False
        return self.n_fitted_ < self.small or self.n_added_ >= self.refit_ratio * self.n_fitted_

    def fit(self, ids: Sequence[int], texts: Sequence[str]) -> SimilarityIndex:
        """Learn the vocabulary and weights from ``texts`` and index them under ``ids``."""
        if len(ids) != len(texts):
            raise InputError(f"fit needs one id per text: {len(ids)} ids, {len(texts)} texts")
        self.ids_ = np.asarray(ids, dtype=np.int64)
        self.n_fitted_, self.n_added_ = len(texts), 0
        self._delta, self._pending = None, []
        if not texts:
            self.vectorizer_, self._main_t = None, None
            return self
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, lowercase=False,
                                     sublinear_tf=True, norm=None, dtype=np.float32)
        raw = vectorizer.fit_transform(texts)
        df = np.diff(raw.tocsc().indptr)
        if len(texts) >= self.min_docs:
            self.kept_ = np.flatnonzero(df <= self.max_df * len(texts))
        else:
            self.kept_ = np.arange(raw.shape[1])
        self.vectorizer_ = vectorizer
        self._columns = np.full(raw.shape[1], -1, dtype=np.int64)
        self._columns[self.kept_] = np.arange(len(self.kept_))
        self._main_t = _unit_rows(raw[:, self.kept_]).T.tocsr()
        return self

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        """Index more texts with the fitted vocabulary (see :attr:`stale`)."""
        if len(ids) != len(texts):
            raise InputError(f"add needs one id per text: {len(ids)} ids, {len(texts)} texts")
        if not texts:
            return
        self.ids_ = np.concatenate([self.ids_, np.asarray(ids, dtype=np.int64)])
        self.n_added_ += len(texts)
        if self.vectorizer_ is not None:
            self._pending.append(self._vectors(texts))

    def query(self, text: str, k: int = 5) -> list[tuple[int, float]]:
        """The ``k`` indexed texts closest to ``text``: ``(id, cosine)``, best first, score > 0."""
        if self.vectorizer_ is None or k <= 0:
            return []
        raw = self.vectorizer_.transform([text])
        columns = self._columns[raw.indices]
        keep = columns >= 0
        columns, weights = columns[keep], raw.data[keep]
        if not len(columns):
            return []
        weights = weights / np.sqrt(np.dot(weights, weights))
        self._flush()
        assert self._main_t is not None
        # Only the rows of the query's n-grams are read: one dense mat-vec over those rows.
        scores = np.asarray(self._main_t[columns].T @ weights, dtype=np.float32).ravel()
        if self._delta is not None:
            scores = np.concatenate([scores, np.asarray(self._delta[:, columns] @ weights).ravel()])
        ids = self.ids_[: len(scores)]
        top = np.argpartition(scores, len(scores) - k)[-k:] if k < len(scores) else np.arange(len(scores))
        ranked = sorted(((float(scores[i]), int(ids[i])) for i in top if scores[i] > 0),
                        key=lambda pair: (-pair[0], pair[1]))
        return [(case_id, min(score, 1.0)) for score, case_id in ranked]

    def shared(self, text: str, other: str, limit: int = 5) -> list[str]:
        """What two texts share: the common substrings (from the first 2,000 characters of
        each), the most telling first (summed IDF weight of their n-grams). Stretches that most
        indexed texts have (マイナンバー in a My Number registry) are left out."""
        n = self.ngram_range[1]
        text, other = text[:2000], other[:2000]
        grams = {other[i:i + n] for i in range(len(other) - n + 1)}
        # Leave out what half the indexed texts have (once there are enough texts to tell).
        floor = float(np.log((1 + len(self)) / (1 + 0.5 * len(self))) + 1) if len(self) >= 10 else 0.0
        phrases: dict[str, float] = {}
        i = 0
        while i <= len(text) - n:
            if text[i:i + n] not in grams:
                i += 1
                continue
            j = i + n
            while j < len(text) and text[i:j + 1] in other:
                j += 1
            phrase = text[i:j].strip(_EDGE).strip(_PARTICLES).strip(_EDGE)
            i = j
            if len(phrase) < n or any(label in phrase for label in _MASK_LABELS):
                continue
            weights = [self._idf(phrase[k:k + n]) for k in range(len(phrase) - n + 1)]
            if sum(weights) / len(weights) >= floor:
                phrases[phrase] = max(phrases.get(phrase, 0.0), sum(weights))
        return [p for p, _ in sorted(phrases.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    # -- internals ----------------------------------------------------------------------
    def _vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return _unit_rows(self.vectorizer_.transform(texts)[:, self.kept_])

    def _idf(self, gram: str) -> float:
        vectorizer = self.vectorizer_
        if vectorizer is None:
            return 2.0
        col = vectorizer.vocabulary_.get(gram)
        return float(vectorizer.idf_[col]) if col is not None else float(vectorizer.idf_.max())

    def _flush(self) -> None:
        if self._pending:
            blocks = ([self._delta] if self._delta is not None else []) + self._pending
            self._delta = sparse.vstack(blocks, format="csr")
            self._pending = []
        if self._delta is not None and self._delta.shape[0] >= self.merge_every:
            assert self._main_t is not None
            self._main_t = sparse.vstack([self._main_t.T, self._delta], format="csr").T.tocsr()
            self._delta = None


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    matrix = sparse.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags((1.0 / norms).astype(np.float32)) @ matrix)

"""Accuracy of ``kit.analysis.sentiment`` on labelled text: Persian reviews (ParsiNLU) and English CX sentences.

Persian: the ParsiNLU sentiment files in ``../shared/data/parsinlu-eval-only/`` (CC BY-NC-SA, used
here to measure only). Each review is repeated once per aspect; the review's own label is its
``کلی`` ("overall") aspect, so each review counts once (``food_test`` and ``movie_dev``;
``human_evaluation_food`` holds 100 of the same food reviews and is not counted again). Labels map
to three classes: -2, -1 negative; 1, 2 positive; 0 (neutral), -3 (no sentiment) and 3 (mixed)
neutral. A second figure, polarity, takes only the reviews labelled negative or positive and
checks the sign of the score (a score of exactly 0, no sentiment found, counts as wrong; macro-F1
over the two classes).

English: ``bench/data/en_cx_sentiment.csv``, 111 sentences hand-labelled for this kit (see
``bench/data/README.md``).

A score above +0.05 is positive, below -0.05 negative, else neutral (VADER's usual cut-offs).
The reference, measured in the same run on the same texts, is the majority-class baseline: always
answering the most frequent label.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from bench.common import ROOT, record
from kit.analysis.sentiment import score

PARSINLU = ROOT.parent / "shared" / "data" / "parsinlu-eval-only"
PARSINLU_FILES = ("food_test.jsonl", "movie_dev.jsonl")
OVERALL_ASPECT = "کلی"
LABELS = {"-2": "negative", "-1": "negative", "0": "neutral", "-3": "neutral", "3": "neutral",
          "1": "positive", "2": "positive"}
ENGLISH = ROOT / "bench" / "data" / "en_cx_sentiment.csv"
CUT = 0.05
CLASSES = ["negative", "neutral", "positive"]


def classes(scores: np.ndarray) -> np.ndarray:
    return np.where(scores > CUT, "positive", np.where(scores < -CUT, "negative", "neutral"))


def persian_reviews(folder: Path = PARSINLU) -> pd.DataFrame:
    """One row per review: text, raw label, three-class label."""
    rows = []
    for name in PARSINLU_FILES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["aspect"].strip() == OVERALL_ASPECT:
                rows.append({"file": name, "review_id": f"{name}:{r['review_id']}", "text": r["review"],
                             "raw": str(r["label"]).strip()})
    frame = pd.DataFrame(rows).drop_duplicates("review_id")
    frame["label"] = frame["raw"].map(LABELS)
    return frame


def measure(name: str, texts: list[str], truth: np.ndarray, lang: str, polarity: bool = False) -> list[dict[str, Any]]:
    """Accuracy and macro-F1 (over the true classes) of the kit and of the majority-class baseline."""
    scores = score(texts, [lang] * len(texts))
    pred = np.where(scores > 0, "positive", np.where(scores < 0, "negative", "none")) if polarity else classes(scores)
    majority = pd.Series(truth).mode().iloc[0]
    base = np.full(len(truth), majority)
    labels = sorted(set(truth))
    acc, base_acc = accuracy_score(truth, pred), accuracy_score(truth, base)
    f1 = f1_score(truth, pred, labels=labels, average="macro", zero_division=0)
    base_f1 = f1_score(truth, base, labels=labels, average="macro", zero_division=0)
    print(f"  {name}: n={len(truth)} accuracy {acc:.3f} (majority '{majority}' {base_acc:.3f}), "
          f"macro-F1 {f1:.3f} (majority {base_f1:.3f}), scored 0: {int((scores == 0).sum())}")
    return [record(f"{name}_accuracy", acc, "fraction", base_acc, "above the majority-class baseline", acc > base_acc),
            record(f"{name}_macro_f1", f1, "fraction", base_f1, "above the majority-class baseline", f1 > base_f1)]


def versus_plain_vader(english: pd.DataFrame) -> dict[str, Any]:
    """The kit's English accuracy against VADER alone (without the kit's added words and rule)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    plain = SentimentIntensityAnalyzer()
    vader = classes(np.array([plain.polarity_scores(t)["compound"] for t in english["text"]]))
    kit = classes(score(english["text"].tolist(), ["en"] * len(english)))
    acc, ref = accuracy_score(english["label"], kit), accuracy_score(english["label"], vader)
    print(f"  sentiment_en_3class: accuracy {acc:.3f} against VADER alone {ref:.3f}")
    return record("sentiment_en_3class_accuracy_vs_vader", acc, "fraction", ref, "at least VADER alone", acc >= ref)


def run(args: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    english = pd.read_csv(ENGLISH, dtype=str)
    out += measure("sentiment_en_3class", english["text"].tolist(), english["label"].to_numpy(), "en")
    out.append(versus_plain_vader(english))
    polar = english[english["label"] != "neutral"]
    out += measure("sentiment_en_polarity", polar["text"].tolist(), polar["label"].to_numpy(), "en", polarity=True)
    if not PARSINLU.is_dir():
        print(f"  sentiment_fa: skipped, the ParsiNLU files are not at {PARSINLU} "
              "(they sit beside the project checkout, not in it)")
        return out
    reviews = persian_reviews()
    counts = reviews["raw"].value_counts().to_dict()
    print(f"  ParsiNLU reviews: {len(reviews)} (labels {counts})")
    out += measure("sentiment_fa_3class", reviews["text"].tolist(), reviews["label"].to_numpy(), "fa")
    polar = reviews[reviews["label"] != "neutral"]
    out += measure("sentiment_fa_polarity", polar["text"].tolist(), polar["label"].to_numpy(), "fa", polarity=True)
    return out

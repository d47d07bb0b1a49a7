"""Fit the confidence model on annotated development text: ``python -m pipeline.calibrate``.

Extracts the development corpus (``tests/data/ie/dev``, never the blind test corpus) in
process, labels every prediction right or wrong by the relaxed match of ``claimgraph
evaluate``, and fits an L2-regularised logistic regression (scikit-learn) over the features
of :mod:`pipeline.extract.confidence`. It writes the weights to ``ontology/confidence.json``
together with the lowest threshold at which cross-validated precision reaches the target
(the default ``--min-confidence`` of the read commands), and draws a reliability diagram
(matplotlib) of the cross-validated scores. Needs ``pip install ".[calibrate]"``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .evaluate import Prediction, gold_files, load_gold, score
from .extract.confidence import WEIGHTS_FILE
from .ingest import read_articles
from .normalise import EntityTerm, Evidence
from .ontology import load_lexicon
from .resources import ontology_dir

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "ie" / "dev"
TARGET_PRECISION = 0.8


def prediction(article_id: str, item: Evidence) -> Prediction:
    """One in-process piece of evidence as ``evaluate`` sees it, with its features."""
    claim = item.claim
    subject = frozenset({claim.subject.label, item.subject_text})
    is_value = not isinstance(claim.object, EntityTerm)
    obj = frozenset({claim.object.label, item.object_text})
    return Prediction(article_id, item.start, item.end, subject, claim.predicate, obj, not item.positive,
                      item.hedged, item.sentence, is_value, item.pattern, item.confidence, item.features)


def labelled_predictions(folders: list[Path]) -> list[tuple[Prediction, bool]]:
    """Every prediction on an annotated dev sentence, with whether it matches gold (relaxed)."""
    from .workers import extract_articles

    lexicon = load_lexicon()
    gold = load_gold(folders, lexicon)
    folders = sorted({f.parent for f in gold_files(folders)})
    articles = read_articles(folders).articles
    extracted = extract_articles(articles)
    predictions = [prediction(article_id, item) for article_id, items in extracted.items() for item in items]
    return score(gold, {a.id: a.text for a in articles}, predictions, lexicon).judged["relaxed"]


def fit(judged: list[tuple[Prediction, bool]], target: float = TARGET_PRECISION) -> tuple[dict, list[float], list[bool]]:
    """Weights by feature name, the default threshold, and cross-validated scores with their labels."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    rows = [{name: 1.0 for name in p.features} for p, _ in judged]
    labels = [right for _, right in judged]
    vectors = DictVectorizer().fit(rows)
    matrix = vectors.transform(rows)
    model = LogisticRegression(C=1.0, max_iter=1000)
    held_out = list(cross_val_predict(model, matrix, labels, cv=5, method="predict_proba")[:, 1])
    model.fit(matrix, labels)
    weights = {"bias": round(float(model.intercept_[0]), 4)}
    weights.update({name: round(float(w), 4) for name, w in zip(vectors.get_feature_names_out(), model.coef_[0])})
    return {"weights": weights, "default_min_confidence": threshold_for(held_out, labels, target)}, held_out, labels


def threshold_for(scores: list[float], labels: list[bool], target: float) -> float:
    """The lowest score threshold at which the predictions kept reach ``target`` precision."""
    for cut in sorted({round(s, 2) for s in scores}):
        kept = [right for s, right in zip(scores, labels) if s >= cut]
        if kept and sum(kept) / len(kept) >= target:
            return cut
    return 1.0


def reliability_diagram(scores: list[float], labels: list[bool], path: Path) -> None:
    """Predicted confidence against the observed share of right claims, in ten bins."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(labels, scores, n_bins=10, strategy="uniform")
    figure, axes = plt.subplots(figsize=(4.5, 4.5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    axes.plot(predicted, observed, marker="o", label="claimgraph (5-fold, dev corpus)")
    axes.set_xlabel("confidence")
    axes.set_ylabel("share of claims right (relaxed match)")
    axes.legend(loc="upper left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, default=[DEV], help="dev gold folders (default tests/data/ie/dev)")
    parser.add_argument("--diagram", type=Path, default=ROOT / "docs" / "img" / "reliability.png")
    args = parser.parse_args()
    judged = labelled_predictions(args.gold)
    model, held_out, labels = fit(judged)
    (ontology_dir() / WEIGHTS_FILE).write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    reliability_diagram(held_out, labels, args.diagram)
    right = sum(labels)
    print(f"{len(labels)} predictions, {right} right ({right / len(labels):.2f}); "
          f"default --min-confidence {model['default_min_confidence']}; diagram {args.diagram}")


if __name__ == "__main__":
    main()

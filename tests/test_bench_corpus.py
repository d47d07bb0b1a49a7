"""The benchmark corpus is a deterministic function of (seed, index), and grows by appending."""

from pathlib import Path

from bench.corpus import synthetic_corpus


def test_synthetic_corpus_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    first = [p.read_text() for p in synthetic_corpus(30, tmp_path / "a")]
    again = [p.read_text() for p in synthetic_corpus(31, tmp_path / "b")]
    other_seed = [p.read_text() for p in synthetic_corpus(30, tmp_path / "c", seed=1)]
    assert again[:30] == first
    assert len(set(again)) == 31
    assert other_seed != first

"""The search cuts words with rjieba and must give jieba's words exactly: the
index built before the switch, the needs filter and every query keep meaning
the same thing."""

import ast
import json
import re
from pathlib import Path

import jieba
import pytest

from kexie_pages import search
from kexie_pages.needs.selectors import keyword_words
from kexie_pages.search import _TOKEN_RE, CJK, _bigrams, index_text, query_for_text

REPO = Path(__file__).resolve().parent.parent.parent
HAS_CJK = re.compile(f"[{CJK}]")

#: Names and places written with characters jieba does not segment (CJK
#: Extension A, U+9FD6 and above, compatibility ideographs): jieba makes each a
#: word of its own, rjieba alone joins neighbours of them into one word.
RARE_CHARACTERS = [
    "县科协表彰了专家李㛃㵘",
    "专家欧阳㛃㵘䶮讲授小麦种植",
    "专家刘䶮䶮在㙟村讲授红薯种植",
    "元素鿭鿫科普展",
    "\uf9dc\uf91b村养殖合作社",
    "小麦_赤霉病 TMR饲料 2024年",
]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def demo_texts() -> list[str]:
    """Every Chinese text of the demo: the fixtures the loaders read and the
    titles, descriptions and biographies written in the loaders themselves."""
    texts: list[str] = []
    for path in sorted((REPO / "fixtures").rglob("*.json")):
        texts += _strings(json.loads(path.read_text("utf-8")))
    for path in sorted((REPO / "kexie_pages" / "demo").glob("*.py")):
        texts += [
            node.value
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
    return [t for t in dict.fromkeys(texts) if HAS_CJK.search(t)]


def jieba_index_text(text: str) -> str:
    """What ``index_text`` stored when it cut with jieba."""
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        run = match.group("cjk")
        if run is None:
            tokens.append(match.group("word").lower())
            continue
        tokens += [*run, *_bigrams(run)]
        tokens += [w for w in jieba.cut_for_search(run) if len(w) > 2]
    return " ".join(tokens)


def jieba_keyword_words(query: str) -> list[str]:
    words: list[str] = []
    for run in re.findall(r"\w+", query):
        for word in jieba.cut(run):
            if word.strip() and word.strip() not in words:
                words.append(word.strip())
    return words[:10]


TEXTS = demo_texts()


def test_the_corpus_is_the_demos_real_text():
    assert len(TEXTS) > 1000
    assert sum(map(len, TEXTS)) > 15_000


@pytest.mark.parametrize("texts", [TEXTS, RARE_CHARACTERS], ids=["demo", "rare"])
def test_index_text_stores_jiebas_tokens(texts):
    index_text.cache_clear()
    differing = [t for t in texts if index_text(t) != jieba_index_text(t)]
    assert differing == []


@pytest.mark.parametrize("texts", [TEXTS, RARE_CHARACTERS], ids=["demo", "rare"])
def test_queries_are_cut_into_jiebas_words(texts, monkeypatch):
    # A query is what a visitor types: a title, a name, a sentence.
    queries = [t[:60] for t in texts]
    built = [repr(query_for_text(q)) for q in queries]
    monkeypatch.setattr(
        search, "cut", lambda run: [w for w in jieba.cut(run) if w.strip()]
    )
    with_jieba = [repr(query_for_text(q)) for q in queries]
    assert [
        q for q, a, b in zip(queries, built, with_jieba, strict=True) if a != b
    ] == []


@pytest.mark.parametrize("texts", [TEXTS, RARE_CHARACTERS], ids=["demo", "rare"])
def test_the_needs_filter_keeps_jiebas_words(texts):
    queries = [t[:40] for t in texts]
    assert [q for q in queries if keyword_words(q) != jieba_keyword_words(q)] == []

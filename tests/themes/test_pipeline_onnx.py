"""The ONNX Runtime embedding path: export from the verified weights, torch parity, fallback."""

from __future__ import annotations

import numpy as np
import pytest

from listening.themes.pipeline.embed import Embedder, OnnxEncoder, default_backend, load_torch
from listening.themes.pipeline.export_onnx import build, sha256_file

pytestmark = pytest.mark.slow

TEXTS = [
    "The landlord ignores the leak",
    "Nothing for teenagers to do round here, the youth club shut",
    "Bus fares are too expensive to get to interviews and my wages don't cover the bills",
    "help",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("onnx") / "model.onnx"
    return out, build(out)


def test_export_writes_the_file_it_reports(exported):
    path, digest = exported
    assert path.is_file() and sha256_file(path) == digest and len(digest) == 64


def test_int8_onnx_embeddings_match_torch_fp32(exported):
    onnx = OnnxEncoder(exported[0], num_threads=1).encode(TEXTS)
    torch = load_torch(1).encode(TEXTS, normalize_embeddings=True)
    cosine = np.sum(onnx * torch, axis=1)
    assert onnx.shape == (4, 384) and np.allclose(np.linalg.norm(onnx, axis=1), 1, atol=1e-5)
    assert cosine.min() > 0.97 and cosine.mean() > 0.985


def test_a_vector_does_not_depend_on_the_other_texts(exported):
    encoder = OnnxEncoder(exported[0], num_threads=1)
    together = encoder.encode(TEXTS)
    alone = np.vstack([encoder.encode([t]) for t in reversed(TEXTS)])[::-1]
    assert np.allclose(together, alone, atol=1e-6)


def test_texts_encoded_on_several_threads_give_the_same_bits(exported):
    texts = TEXTS * 5 + [f"{t} again" for t in TEXTS]
    one = OnnxEncoder(exported[0], num_threads=1).encode(texts)
    two = OnnxEncoder(exported[0], num_threads=2).encode(texts)
    assert np.array_equal(one, two) and not np.array_equal(one[0], one[1])


def test_length_batches_keep_the_input_order(exported):
    encoder = OnnxEncoder(exported[0], num_threads=1)
    batched = encoder.encode(TEXTS, batch_size=3)
    alone = encoder.encode(TEXTS)
    sims = batched @ alone.T  # batching perturbs int8 vectors (hence one text per call)
    assert list(sims.argmax(axis=1)) == [0, 1, 2, 3] and np.diag(sims).min() > 0.95


def test_absent_onnx_file_falls_back_to_torch(monkeypatch, tmp_path):
    monkeypatch.setenv("LISTENING_ONNX_MODEL", str(tmp_path / "missing.onnx"))
    monkeypatch.delenv("LISTENING_EMBED_BACKEND", raising=False)
    assert default_backend() == "torch"
    embedder = Embedder()
    assert embedder.backend == "torch" and not embedder.model_id.endswith("onnx-int8")
    assert embedder.encode(["rent"]).shape == (1, 384)


def test_backends_have_distinct_model_ids():
    assert Embedder(backend="onnx").model_id != Embedder(backend="torch").model_id

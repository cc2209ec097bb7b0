"""Build step: `python -m listening.themes.pipeline.export_onnx [OUT]` writes the int8 ONNX encoder.

Reads the verified all-MiniLM-L6-v2 safetensors (SHA-256 checked first), exports the BERT
encoder (input_ids, attention_mask, token_type_ids → last_hidden_state) with torch's TorchScript
exporter at opset 17, then quantises the MatMul weights to int8 per output channel with ONNX
Runtime's dynamic quantisation (the word-embedding table is a Gather and stays fp32). Pooling
and normalisation happen in numpy at inference, as sentence-transformers does them. Torch is
needed here only, never when serving. Prints the output path and its SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import warnings
from pathlib import Path

from .embed import default_onnx_path, model_dir, verify_model

OPSET = 17


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_fp32(out: Path, source: Path | None = None) -> Path:
    """Export the verified encoder to an fp32 ONNX file with dynamic batch and length axes."""
    source = source or model_dir()
    verify_model(source)
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel

    torch.manual_seed(0)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()
    dummy = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    # The tracer's warnings are about mask shapes that are constant for an encoder (no cache).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(out),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    return out


def _Encoder(model):
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    return Encoder(model)


def quantise(fp32: Path, out: Path) -> Path:
    """Dynamic int8 quantisation of MatMul weights, per channel (embeddings stay fp32)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing": not for MatMul-only

    quantize_dynamic(
        str(fp32),
        str(out),
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        weight_type=QuantType.QInt8,
    )
    return out


def build(out: Path, keep_fp32: Path | None = None) -> str:
    """Write the quantised model to `out` (atomically) and return its SHA-256."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32 = export_fp32(Path(tmp) / "fp32.onnx")
        if keep_fp32 is not None:
            Path(keep_fp32).write_bytes(fp32.read_bytes())
        staged = quantise(fp32, Path(tmp) / "int8.onnx")
        os.replace(staged, out)
    return sha256_file(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build the file unless it exists (use --force to rebuild)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="rebuild even if OUT exists")
    parser.add_argument("--fp32", type=Path, default=None, help="also keep the fp32 export here")
    args = parser.parse_args(argv)
    out = args.out or default_onnx_path()
    if out.is_file() and not args.force:
        print(f"{out} exists (sha256 {sha256_file(out)}); --force rebuilds it")
        return 0
    digest = build(out, args.fp32)
    print(f"wrote {out} sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

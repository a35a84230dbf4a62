"""Train the shipped theme model: corpus-dev/ training part + the sample corpus.

    .venv/bin/python scripts/train_theme_model.py [--out src/recueil/data/theme_model.json.gz]

Deterministic: the same labels and texts give the same file, byte for byte.
The held-out part of corpus-dev/ is never used here.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from dev_gold_common import ROOT, dev_docs
from eval_dev_gold import training_examples

from recueil.tagging.classifier import MODEL_FILE, save_model, train
from recueil.tagging.themes import load_themes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "recueil" / MODEL_FILE)
    args = parser.parse_args()
    codes = list(load_themes().codes)
    labelled, with_text = dev_docs(codes)
    train_docs = [d for d in with_text if d.split == "train"]
    missing = [d.id for d in labelled if d.split == "train" and d.text is None]
    if missing:
        print(f"warning: {len(missing)} training texts missing (run scripts/dev_gold_fetch.py)")
    model = train(training_examples(train_docs, codes), codes)
    save_model(model, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:12]
    print(
        f"{args.out}: {args.out.stat().st_size // 1024} KB, {len(model.vocabulary)} features, "
        f"{model.trained_on['documents']} documents, sha256 {digest}"
    )


if __name__ == "__main__":
    main()

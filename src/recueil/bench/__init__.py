"""The benchmark suite: where the time goes, each figure next to a baseline.

Run ``python -m recueil.bench`` (``make bench``). A seeded corpus of French-like
PDFs and text documents is generated once into a cache folder; every stage is
then measured in its own fresh process and printed as a Markdown table.
"""

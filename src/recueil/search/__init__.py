"""Search: the query language, acronym expansion, "did you mean", similar documents.

Engine-neutral: it talks to the index only through ``recueil.index``.
"""

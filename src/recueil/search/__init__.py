"""Search: planning the parsed query, passages, suggestions, similar documents, the service.

Engine-neutral: it reaches the index only through ``recueil.index`` (engines,
French analysis, generations); the query language is ``recueil.querylang``.
It imports neither spaCy nor the tagging layer.
"""

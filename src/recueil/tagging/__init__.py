"""Theme tagging and metadata extraction.

``themes`` and ``gazetteer`` are pure Python (search imports them); spaCy is
imported only by ``component``, ``analyse`` and ``store`` (through analyse),
so importing this package stays cheap.
"""

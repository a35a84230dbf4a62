"""COSOTER / PMB records: UNIMARC (ISO 2709, MARC XML, PMB XML), Dublin Core, OAI-PMH.

Importing this package registers the record extractors. They recognise files
by content, so they are tried before the web-page extractor claims ``.xml``.
"""

from __future__ import annotations

from recueil.ingest.records.extractors import RecordsXmlExtractor
from recueil.ingest.records.iso2709 import Iso2709Extractor
from recueil.ingest.registry import register

ISO2709 = register(Iso2709Extractor())
RECORDS_XML = register(RecordsXmlExtractor())

__all__ = ["ISO2709", "RECORDS_XML", "Iso2709Extractor", "RecordsXmlExtractor"]

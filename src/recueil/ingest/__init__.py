"""Ingestion: sources -> extractors (PDF, web page, records) -> normalise -> pipeline."""

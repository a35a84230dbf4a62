"""recueil: document capitalisation and French full-text search for the Cités éducatives."""

__version__ = "0.1.0"

"""The knowledge graph: built from ingested documents, stored as JSON, queried in memory."""

"""Search: hybrid retrieval over search units, and question answering over the graph."""

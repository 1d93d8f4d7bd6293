"""Search: hybrid retrieval over search units, and question answering over the graph.

``search.index`` builds and loads the on-disk index (BM25 over jieba tokens, faiss vectors from
m3e-small, the units' records); ``search.engine.Searcher`` answers queries with typed
``SearchResult`` records. Importing this package is cheap: torch and sentence-transformers load
only when a dense signal is needed.
"""

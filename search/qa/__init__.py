"""Questions in natural Chinese answered from the graph, with evidence (``policykg ask``)."""

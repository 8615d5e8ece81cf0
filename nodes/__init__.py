"""Graph nodes: one module per node, named after the node."""

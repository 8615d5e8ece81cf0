"""Graph nodes: one module per node, named after the node.

Nodes and the `route_after_*` functions of conditional edges are `async def` even when they
await nothing: LangGraph runs a plain `def` node or router in its thread pool, a thread hop
(and a GIL hand-off) per step, which cost more CPU than the step itself.
"""

"""LangGraph state graphs: wiring only, the rules live in nodes/ and domain/."""

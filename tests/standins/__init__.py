"""Local servers that speak the external services' protocols, for the real SDKs to call."""

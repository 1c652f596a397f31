"""The company's eleven form kinds (process.md). Each registers itself with approvals.kinds."""

"""Links: pages fetched under guard (adapters/web/guard.py), their main text extracted."""

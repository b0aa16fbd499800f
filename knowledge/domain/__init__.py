"""The domain: plain types, the search plan, the ports and repositories the services need,
and the errors. No I/O, and no import from the services or adapters."""

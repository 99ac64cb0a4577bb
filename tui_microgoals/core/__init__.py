"""The domain core: never imports Textual or Rich (tests/core/test_import_hygiene.py)."""

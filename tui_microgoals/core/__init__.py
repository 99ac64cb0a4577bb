"""The domain core: no Textual or Rich imports here (enforced by tests/core/test_import_hygiene.py)."""

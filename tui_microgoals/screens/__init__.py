"""Screens and modal dialogs of the app."""

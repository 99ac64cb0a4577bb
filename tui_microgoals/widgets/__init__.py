"""Panes of the main screen: each draws what it is given and posts messages up."""

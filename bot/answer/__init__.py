"""Answering a person: the grammar, the dispatch, runs by number, the shortcut, buttons, modals."""

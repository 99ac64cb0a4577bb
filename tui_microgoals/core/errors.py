"""Errors the core raises; the CLI and the app turn each into one clear line."""


class MicrogoalsError(Exception):
    """Base class. ``exit_code`` is what the command line exits with."""

    exit_code = 1


class InputError(MicrogoalsError):
    """Bad input or usage: an unknown id, a blocked goal, a cycle, a bad date..."""

    exit_code = 2


class NotFound(InputError):
    """An id that names nothing."""


class Conflict(InputError):
    """The request clashes with the current state (a block already runs, none runs...)."""


class SyncError(MicrogoalsError):
    """Syncing with the other devices failed (git missing, remote unreachable, a conflict...);
    the local data is untouched and the next sync starts over."""

    exit_code = 2


#: What a reader that stays open (the app) says while the files it read cannot be read.
READ_ONLY = (
    "the database is damaged, so microgoals is read-only until it is restored "
    "(`microgoals backups --restore NAME`)"
)


class StorageError(MicrogoalsError):
    """The database file cannot be read or written; it was left untouched."""


class CorruptDatabase(StorageError):
    """The file is empty, truncated or not a microgoals database."""


class NewerSchema(StorageError):
    """The file was written by a newer microgoals."""


class LockTimeout(StorageError):
    """Another process held the database lock for too long."""

    #: Who holds it, as its note names it ("microgoals process 4242 (microgoals add, since
    #: ...)"), or "another microgoals process".
    holder = "another microgoals process"


class ReadOnlyDatabase(StorageError):
    """A change refused because the files cannot be read now (see ``READ_ONLY``)."""

"""The errors that use cases raise; adapters map them to exit codes and messages."""


class HelpdeskError(Exception):
    """Base of every error the user can be shown as one line."""


class InvalidInput(HelpdeskError, ValueError):
    """The request itself is wrong: bad value, unknown name, illegal step."""


class NotFound(InvalidInput):
    """Something named in the request does not exist."""


class IllegalTransition(InvalidInput):
    """The ticket's status does not allow this action."""


class Conflict(HelpdeskError):
    """Someone else changed the record since the caller read it."""


class PermissionDenied(HelpdeskError):
    """The acting user's role does not allow this action."""

"""The one exception family for domain errors; views and the API turn them into messages."""


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message, *, fields=None, code=None):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 400
    code = "invalid"


class Refused(DomainError):
    """The user may not do this (wrong role, not theirs to decide)."""

    status = 403
    code = "forbidden"


class NotVisible(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Someone else got there first, or the object is not in a state that allows this."""

    status = 409
    code = "conflict"

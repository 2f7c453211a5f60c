"""DSS-shaped errors. Backends raise these; the app serialises them in one place."""
from __future__ import annotations


class DSSError(Exception):
    """An error answered to the client as DSS does: ``{errorType, message, detailedMessage}``."""

    status = 500
    error_type = "java.lang.RuntimeException"

    def __init__(self, message: str, detailed_message: str | None = None):
        super().__init__(message)
        self.message = message
        self.detailed_message = detailed_message or message

    def as_dict(self) -> dict:
        return {
            "errorType": self.error_type,
            "message": self.message,
            "detailedMessage": self.detailed_message,
        }


class BadRequest(DSSError):
    status = 400
    error_type = "com.dataiku.common.server.APIError$SerializedErrorException"


class MalformedJSON(BadRequest):
    error_type = "com.dataiku.dip.server.controllers.MalformedRequestException"


class InvalidArgument(BadRequest):
    error_type = "java.lang.IllegalArgumentException"


class Unauthenticated(DSSError):
    status = 401
    error_type = "com.dataiku.dip.exceptions.UnauthorizedException"


class Forbidden(DSSError):
    status = 403
    error_type = "com.dataiku.dip.exceptions.UnauthorizedException"


class NotFound(DSSError):
    status = 404
    error_type = "com.dataiku.dip.server.controllers.NotFoundException"


class AlreadyExists(DSSError):
    status = 409
    error_type = "com.dataiku.dip.exceptions.DKUSecurityException$AlreadyExistsException"


class Conflict(DSSError):
    status = 409
    error_type = "com.dataiku.dip.exceptions.CodedException"


class CodedError(DSSError):
    """A failure DSS documents by an ``ERR_*`` code (EV-T07): the code leads the message and is a field of its own.

    The HTTP status (400) and the message after the code are the emulator's: only the codes are documented."""

    status = 400
    error_type = "com.dataiku.dip.exceptions.CodedException"

    def __init__(self, code: str, text: str, hint: str | None = None):
        super().__init__(f"{code}: {text}", f"{code}: {text} ({hint})" if hint else None)
        self.code = code
        self.text = text

    def as_dict(self) -> dict:
        return dict(super().as_dict(), code=self.code)


class PayloadTooLarge(DSSError):
    status = 413
    error_type = "com.dataiku.dip.server.controllers.MalformedRequestException"


class NotImplementedRoute(DSSError):
    status = 501
    error_type = "dss_emulator.NotImplemented"


class InjectedFault(DSSError):
    """An error the control API asked the emulator to answer (fault injection)."""

    error_type = "dss_emulator.InjectedFault"

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class InvalidInput(InvalidArgument):
    """A 400 whose detailed message (the one the client shows) keeps ``message`` and adds ``hint``."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, f"{message} ({hint})" if hint else message)


class InvalidValue(InvalidArgument):
    """A 400 naming the field, the value and the rule in one line: ``Invalid <field>: <value!r> (<rule>)``."""

    def __init__(self, field: str, value: object, rule: str):
        super().__init__(f"Invalid {field}: {value!r} ({rule})")


def invalid(message: str, hint: str | None = None) -> InvalidArgument:
    """A 400 naming the field and the value, with an optional hint (see :class:`InvalidInput`)."""
    return InvalidInput(message, hint)

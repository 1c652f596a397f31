"""OpenAPI post-processing: every operation documents the shared error body and its statuses."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "conflict"},
        "message": {"type": "string", "example": "该步骤已由他人处理，请刷新。"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["code", "message", "fields"],
}

ERROR_STATUSES = {
    "400": "Bad input (nothing was changed); `fields` names each bad field.",
    "401": "Not authenticated.",
    "403": "Refused: not yours to do (wrong role, not your step).",
    "404": "Not found, or not visible to you.",
    "409": "Conflict: someone decided first, a stale revision, or the wrong state/stage.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_STATUSES.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": body}
                )
    return result

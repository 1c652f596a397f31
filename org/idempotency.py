"""`Idempotency-Key` on the API's creating POSTs: a retry with the same key (same user, same
URL) gets the first response again instead of creating a duplicate.

The key row is inserted at the start of the request's transaction and completed with the
response in it: if the connection drops before the commit, neither the record nor the key
exists and the retry creates it; if it drops after, both exist and the retry gets the stored
response. A concurrent retry waits on the key's unique index until the first one ends."""

import functools
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from sipm.errors import Conflict, InvalidInput

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)


def _key(request):
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 255 or not key.isprintable():
        message = _("Idempotency-Key 须为 1–255 个可打印字符。")
        raise InvalidInput(message, fields={HEADER: message})
    return key


def _replay(record, path):
    if record.path != path:
        raise Conflict(_("该 Idempotency-Key 已用于另一个请求，请换一个新的键。"), code="conflict")
    response = Response(record.body, status=record.status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Decorate an APIView's post/create(self, request, …)."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = _key(request)
        if key is None or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        path = request.path[:500]
        done = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if done is not None and done.created_at > timezone.now() - KEEP:
            return _replay(done, path)
        with transaction.atomic():
            IdempotencyKey.objects.filter(
                user=request.user, created_at__lt=timezone.now() - KEEP
            ).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user=request.user, key=key, method=request.method, path=path
                    )
            except IntegrityError:
                # Another request with this key committed meanwhile.
                return _replay(IdempotencyKey.objects.get(user=request.user, key=key), path)
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status = response.status_code
                record.body = json.loads(JSONRenderer().render(response.data) or b"null")
                record.save(update_fields=["status", "body"])
            else:
                transaction.set_rollback(True)
        return response

    return wrapper

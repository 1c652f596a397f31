"""Benchmark-only helpers, enabled by SIPM_BENCH=true (bench/scale.py sets it; never in use
otherwise): a middleware that reports each request's server time and query count in response
headers, and the two bare views every page is compared with."""

import time

from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpResponse
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class QueryCounter:
    """Counts the statements run on a connection: `with connection.execute_wrapper(counter)`."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


class ServerTiming:
    """X-Bench-Ms: time inside Django (all middleware and the view); X-Bench-Queries: queries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["X-Bench-Ms"] = f"{(time.perf_counter() - started) * 1000:.3f}"
        response["X-Bench-Queries"] = str(counter.n)
        return response


@login_required
def bare_view(request):
    return HttpResponse("ok")


class BareApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("_bench/bare/", bare_view, name="bench-bare"),
    path("_bench/bare-api/", BareApi.as_view(), name="bench-bare-api"),
]

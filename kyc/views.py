from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
@login_not_required
def root(request):
    """One address, two audiences: Tencent API 3.0 clients POST here with X-TC-Action (they are
    authenticated by their TC3 signature, not a session); people are sent to the review queue."""
    if request.method == "POST" and "X-TC-Action" in request.headers:
        from ocr.server.views import api3

        return api3(request)
    return redirect("review:queue")

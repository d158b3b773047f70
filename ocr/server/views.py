import json
import uuid

from django.http import HttpResponse


def api3(request):
    body = {"Response": {"Error": {"Code": "FailedOperation.UnOpenError", "Message": "The service is not activated."}, "RequestId": str(uuid.uuid4())}}
    return HttpResponse(json.dumps(body), content_type="application/json")

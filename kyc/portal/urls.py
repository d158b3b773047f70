from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views
from .docs import API_DESCRIPTION

app_name = "portal"
urlpatterns = [
    path("submissions", views.SubmissionCreateView.as_view(), name="submissions"),
    path("submissions/<str:submission_id>", views.SubmissionDetailView.as_view(), name="submission"),
    path("submissions/<str:submission_id>/images", views.SubmissionImagesView.as_view(), name="submission-images"),
    # Public: the integrating team reads them before it has a token.
    path(
        "schema",
        login_not_required(
            SpectacularAPIView.as_view(custom_settings={"DESCRIPTION": API_DESCRIPTION})
        ),
        name="schema",
    ),
    path("docs", login_not_required(SpectacularSwaggerView.as_view(url_name="portal:schema")), name="docs"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    # POST / with X-TC-Action is Tencent API 3.0 (ocr.server); anything else is the reviewer site.
    path("", views.root, name="root"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("review/", include("kyc.review.urls")),
    path("api/v1/", include("kyc.portal.urls")),
    path("admin/", admin.site.urls),
]

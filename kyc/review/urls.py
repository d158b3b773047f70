from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("next/", views.next_card, name="next"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/images/<uuid:image_id>/", views.image, name="image"),
    path("<uuid:pk>/portrait/", views.portrait, name="portrait"),
    path("<uuid:pk>/claim/", views.claim, name="claim"),
    path("<uuid:pk>/release/", views.release, name="release"),
    path("<uuid:pk>/reassign/", views.reassign, name="reassign"),
    path("<uuid:pk>/correct/", views.correct, name="correct"),
    path("<uuid:pk>/approve/", views.approve, name="approve"),
    path("<uuid:pk>/reject/", views.reject, name="reject"),
    path("<uuid:pk>/reupload/", views.reupload, name="reupload"),
    path("<uuid:pk>/retry-ocr/", views.retry_ocr, name="retry_ocr"),
    path("<uuid:pk>/notes/", views.note, name="note"),
    path("<uuid:pk>/reveal/", views.reveal, name="reveal"),
    path("reports/verification/", views.verification, name="verification"),
]

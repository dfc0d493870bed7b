from django.urls import path

from revmod.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.survey_list, name="survey-list"),
    path("new/", views.survey_new, name="survey-new"),
    path("<int:pk>/", views.survey_detail, name="survey-detail"),
    path("<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("<int:pk>/answer/<str:code>/", views.answer, name="answer"),
    path("requests/", views.request_list, name="request-list"),
    path("requests.<str:fmt>", views.request_export, name="request-export"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/track/", views.request_track, name="request-track"),
    path("tallies/", views.tallies, name="tallies"),
]

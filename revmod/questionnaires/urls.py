from django.urls import path

from revmod.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("<int:pk>/questionnaire/", views.answers, name="answers"),
    path("<int:pk>/questionnaire/<int:question>/", views.save, name="save"),
    path(
        "<int:pk>/questionnaire/offline.<str:fmt>",
        views.offline_download,
        name="offline_download",
    ),
    path("<int:pk>/questionnaire/offline/", views.offline_upload, name="offline_upload"),
    path("<int:pk>/feedback/", views.feedback_page, name="feedback"),
    path("<int:pk>/feedback/tasks/", views.feedback_tasks, name="feedback_tasks"),
    path("<int:pk>/feedback/<int:question>/", views.feedback_save, name="feedback_save"),
    path("<int:pk>/observations/", views.observations_page, name="observations"),
    path("<int:pk>/observations/save/", views.observations_save, name="observations_save"),
    path("<int:pk>/observations/diff/", views.observations_diff, name="observations_diff"),
    path("<int:pk>/observations/sign/", views.observations_sign, name="observations_sign"),
    path(
        "<int:pk>/observations/publication/",
        views.observations_publication,
        name="observations_publication",
    ),
    path("<int:pk>/export/<str:what>.<str:fmt>", views.export, name="export"),
]

from django.urls import path

from revmod.questionnaires.views import (
    answers,
    exports,
    feedback,
    observations,
    publication,
    submissions,
)

app_name = "questionnaires"
urlpatterns = [
    path("<int:pk>/questionnaire/", answers.answers, name="answers"),
    path("<int:pk>/questionnaire/<int:question>/", answers.save, name="save"),
    path(
        "<int:pk>/questionnaire/offline.<str:fmt>",
        answers.offline_download,
        name="offline_download",
    ),
    path("<int:pk>/questionnaire/offline/", answers.offline_upload, name="offline_upload"),
    path(
        "<int:pk>/questionnaire/publication/",
        publication.answers_publication,
        name="answers_publication",
    ),
    # For anyone: a file of the answers the party published (404 once no longer published).
    path(
        "<int:pk>/published-answers/<int:document>/v<int:number>/",
        publication.published_file,
        name="published_file",
    ),
    path("<int:pk>/feedback/", feedback.feedback_page, name="feedback"),
    path("<int:pk>/feedback/tasks/", feedback.feedback_tasks, name="feedback_tasks"),
    path("<int:pk>/feedback/<int:question>/", feedback.feedback_save, name="feedback_save"),
    path("<int:pk>/observations/", observations.observations_page, name="observations"),
    path("<int:pk>/observations/save/", observations.observations_save, name="observations_save"),
    path("<int:pk>/observations/diff/", observations.observations_diff, name="observations_diff"),
    path("<int:pk>/observations/sign/", observations.observations_sign, name="observations_sign"),
    path(
        "<int:pk>/observations/publication/",
        observations.observations_publication,
        name="observations_publication",
    ),
    path("<int:pk>/export/<str:what>.<str:fmt>", exports.export, name="export"),
    path("<int:pk>/submissions/", submissions.submissions_page, name="submissions"),
    path(
        "<int:pk>/submissions/<str:what>/<int:number>.<str:fmt>",
        submissions.submission_file,
        name="submission_file",
    ),
    path("<int:pk>/submissions.zip", submissions.submissions_zip, name="submissions_zip"),
]

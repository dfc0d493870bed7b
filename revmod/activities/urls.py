from django.urls import path

from revmod.activities import training, views

app_name = "activities"
urlpatterns = [
    path("events/", views.event_list, name="event-list"),
    path("events.<str:fmt>", views.event_export, name="event-export"),
    path("events/new/", views.event_edit, name="event-new"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("events/<int:pk>/documents/", views.document_new, name="document-new"),
    path("events/<int:pk>/documents/<int:document>/", views.document_file, name="document-file"),
    path("figures/", views.figures_page, name="figures"),
    path("training/", training.session_list, name="session-list"),
    path("training/participants.<str:fmt>", training.participant_export, name="participant-export"),
    path("training/new/", training.session_edit, name="session-new"),
    path("training/<int:pk>/", training.session_detail, name="session-detail"),
    path("training/<int:pk>/edit/", training.session_edit, name="session-edit"),
    path("training/<int:pk>/participants/new/", training.participant_edit, name="participant-new"),
    path(
        "training/<int:pk>/participants/<int:participant>/",
        training.participant_edit,
        name="participant-edit",
    ),
    path("e-learning/", training.completion_list, name="completion-list"),
    path("e-learning.<str:fmt>", training.completion_export, name="completion-export"),
    path("e-learning/new/", training.completion_edit, name="completion-new"),
    path("e-learning/<int:pk>/", training.completion_edit, name="completion-edit"),
    path("e-learning/import/", training.completion_import, name="completion-import"),
]

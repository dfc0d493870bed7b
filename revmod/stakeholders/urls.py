from django.urls import path

from revmod.stakeholders import views, views_pilots

app_name = "stakeholders"
urlpatterns = [
    path("register/", views.stakeholder_list, name="stakeholder-list"),
    path("register.<str:fmt>", views.stakeholder_export, name="stakeholder-export"),
    path("register/new/", views.stakeholder_edit, name="stakeholder-new"),
    path("register/<int:pk>/", views.stakeholder_detail, name="stakeholder-detail"),
    path("register/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder-edit"),
    path("dialogues/", views.dialogue_list, name="dialogue-list"),
    path("dialogues.<str:fmt>", views.dialogue_export, name="dialogue-export"),
    path("dialogues/new/", views.dialogue_edit, name="dialogue-new"),
    path("dialogues/<int:pk>/", views.dialogue_detail, name="dialogue-detail"),
    path("dialogues/<int:pk>/edit/", views.dialogue_edit, name="dialogue-edit"),
    path(
        "dialogues/<int:pk>/observations.<str:fmt>",
        views.observation_export,
        name="observation-export",
    ),
    path(
        "dialogues/<int:dialogue_pk>/observations/new/",
        views.observation_edit,
        name="observation-new",
    ),
    path("observations/<int:pk>/edit/", views.observation_edit, name="observation-edit"),
    path("figures/", views.outreach_list, name="outreach-list"),
    path("figures.<str:fmt>", views.outreach_export, name="outreach-export"),
    path("figures/new/", views.outreach_edit, name="outreach-new"),
    path("figures/<int:pk>/edit/", views.outreach_edit, name="outreach-edit"),
    path("pilots/", views_pilots.pilot_list, name="pilot-list"),
    path("pilots.<str:fmt>", views_pilots.pilot_export, name="pilot-export"),
    path("pilots/new/", views_pilots.pilot_edit, name="pilot-new"),
    path("pilots/<int:pk>/", views_pilots.pilot_detail, name="pilot-detail"),
    path("pilots/<int:pk>/edit/", views_pilots.pilot_edit, name="pilot-edit"),
    path("pilots/<int:pilot_pk>/activities/new/", views_pilots.activity_edit, name="activity-new"),
    path("activities/<int:pk>/edit/", views_pilots.activity_edit, name="activity-edit"),
]

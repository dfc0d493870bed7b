from django.urls import path

from revmod.followups import views

app_name = "followups"
urlpatterns = [
    path("", views.followup_list, name="list"),
    path("export.<str:fmt>", views.followup_export, name="export"),
    path("new/", views.followup_new, name="new"),
    path("<int:pk>/", views.followup_detail, name="detail"),
    path("<int:pk>/edit/", views.followup_edit, name="edit"),
    path("<int:pk>/done/", views.followup_done, name="done"),
    path("briefings/", views.briefing_list, name="briefing-list"),
    path("briefings.<str:fmt>", views.briefing_export, name="briefing-export"),
    path("briefings/new/", views.briefing_new, name="briefing-new"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing-detail"),
    path("briefings/<int:pk>/edit/", views.briefing_edit, name="briefing-edit"),
]

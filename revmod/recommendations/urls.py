from django.urls import path

from revmod.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("", views.recommendation_list, name="list"),
    path("export.<str:fmt>", views.recommendation_export, name="export"),
    path("new/", views.recommendation_new, name="new"),
    path("<int:pk>/", views.recommendation_detail, name="detail"),
    path("<int:pk>/edit/", views.recommendation_edit, name="edit"),
    path("<int:pk>/follow-up/", views.follow_up_new, name="follow-up-new"),
    path("follow-ups/", views.follow_up_list, name="follow-up-list"),
    path("follow-ups.<str:fmt>", views.follow_up_export, name="follow-up-export"),
    path("follow-ups/<int:pk>/publish/", views.follow_up_publish, name="follow-up-publish"),
]

from django.urls import path

from revmod.library import views

app_name = "library"
urlpatterns = [
    path("", views.resource_list, name="resource-list"),
    path("resources.<str:fmt>", views.resource_export, name="resource-export"),
    path("new/", views.resource_new, name="resource-new"),
    path("<int:pk>/", views.resource_detail, name="resource-detail"),
    path("<int:pk>/edit/", views.resource_edit, name="resource-edit"),
    path("<int:pk>/publish/", views.resource_publish, name="resource-publish"),
    path("<int:pk>/versions/new/", views.version_new, name="version-new"),
    path("<int:pk>/versions/<int:version_pk>/", views.version_download, name="version-download"),
]

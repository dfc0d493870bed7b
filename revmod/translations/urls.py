from django.urls import path

from revmod.translations import views

app_name = "translations"
urlpatterns = [
    path("<int:pk>/translations/", views.translation_list, name="list"),
    path("<int:pk>/translations/new/", views.translation_new, name="new"),
    path("<int:pk>/translations/<int:translation>/", views.translation_detail, name="detail"),
    path(
        "<int:pk>/translations/<int:translation>.txt",
        views.translation_download,
        name="download",
    ),
]

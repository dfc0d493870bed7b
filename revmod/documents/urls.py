from django.urls import path

from revmod.documents import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/documents/", views.document_list, name="list"),
    path(
        "<int:pk>/documents/<int:document>/v<int:number>/",
        views.document_download,
        name="download",
    ),
]

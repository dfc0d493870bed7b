from django.urls import path

from revmod.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<str:number>.<str:fmt>", views.figure_download, name="figure"),
    path("public/", views.public_dashboard, name="public"),
    path(
        "public/figures/<str:number>.<str:fmt>", views.public_figure_download, name="public-figure"
    ),
]

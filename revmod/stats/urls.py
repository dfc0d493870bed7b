from django.urls import path

from revmod.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<str:number>.<str:fmt>", views.figure_download, name="figure"),
    path("report/", views.status_report, name="report"),
    path("report.pdf", views.status_report_pdf, name="report-pdf"),
    path("answers/", views.answer_statistics, name="answers"),
    path("answers.xlsx", views.answer_statistics_xlsx, name="answers-xlsx"),
    path("public/", views.public_dashboard, name="public"),
    path(
        "public/figures/<str:number>.<str:fmt>", views.public_figure_download, name="public-figure"
    ),
]

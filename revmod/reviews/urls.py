from django.urls import path

from revmod.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("reviews.<str:fmt>", views.review_export, name="export"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.review_act, name="act"),
    path("<int:pk>/consultation/", views.review_consultation, name="consultation"),
    path("<int:pk>/deadline/", views.review_deadline, name="deadline"),
    path("<int:pk>/officers/", views.review_officers, name="officers"),
    path("<int:pk>/reads/", views.review_reads, name="reads"),
    path("<int:pk>/reads.csv", views.review_reads_export, name="reads_export"),
    path("assign/", views.review_assign, name="assign"),
    path("cycles/", views.cycles, name="cycles"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]

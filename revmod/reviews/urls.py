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
    path("assign/", views.review_assign, name="assign"),
    path("cycles/", views.cycles, name="cycles"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]

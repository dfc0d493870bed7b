from django.urls import path

from revmod.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("preferences/", views.preferences, name="preferences"),
]

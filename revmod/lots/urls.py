from django.urls import path

from revmod.lots import views

app_name = "lots"
urlpatterns = [
    path("", views.pairing_list, name="pairing-list"),
    path("history/", views.pairing_history, name="pairing-history"),
    path("pairings.<str:fmt>", views.pairing_export, name="pairing-export"),
    path("draws/", views.draw_list, name="draw-list"),
    path("draws/new/", views.draw_prepare, name="draw-prepare"),
    path("draws/<int:pk>/", views.draw_detail, name="draw-detail"),
    path("draws/<int:pk>/<str:step>/", views.draw_step, name="draw-step"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
]

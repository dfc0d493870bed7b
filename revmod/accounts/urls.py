from django.urls import path

from revmod.accounts import views

app_name = "accounts"
urlpatterns = [
    path("activate/<str:token>/", views.activate, name="activate"),
    path("registrations/", views.registration_list, name="registration-list"),
    path("registrations/new/", views.registration_new, name="registration-new"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration-detail"),
    path("registrations/<int:pk>/note-verbale/", views.note_verbale, name="note-verbale"),
    path(
        "registrations/<int:pk>/approve/", views.registration_approve, name="registration-approve"
    ),
    path("registrations/<int:pk>/reject/", views.registration_reject, name="registration-reject"),
    path("registrations/<int:pk>/resend/", views.registration_resend, name="registration-resend"),
    path("directory/", views.directory, name="directory"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("nominations/", views.nomination_list, name="nomination-list"),
    path("nominations.<str:fmt>", views.nomination_export, name="nomination-export"),
    path("nominations/new/", views.nomination_new, name="nomination-new"),
    path("nominations/<int:pk>/end/", views.nomination_end, name="nomination-end"),
]

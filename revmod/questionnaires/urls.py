from django.urls import path

from revmod.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("<int:pk>/questionnaire/", views.answers, name="answers"),
    path("<int:pk>/questionnaire/<int:question>/", views.save, name="save"),
]

from django.urls import path

from revmod.public import opendata

app_name = "opendata"
urlpatterns = [
    path("", opendata.index, name="index"),
    path("<str:slug>/", opendata.dataset, name="dataset"),
    path("<str:slug>/dictionary.json", opendata.dictionary, name="dictionary"),
    path("<str:slug>.<str:fmt>", opendata.download, name="download"),
]

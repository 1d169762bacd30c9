from django.urls import path

from kapcare.bench import views

app_name = "bench"

urlpatterns = [
    path("hello", views.hello, name="hello"),
    path("row/<int:patient_id>", views.row, name="row"),
]

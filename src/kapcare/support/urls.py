from django.urls import path

from kapcare.support import views

app_name = "support"

urlpatterns = [path("", views.home, name="home")]

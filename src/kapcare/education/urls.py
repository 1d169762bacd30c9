from django.urls import path

from kapcare.education import views

app_name = "education"

urlpatterns = [
    path("portal/learn/", views.library, name="library"),
    path("portal/learn/<slug:slug>/", views.page, name="page"),
    path("support/learn/", views.support_library, name="support_library"),
    path("support/learn/<slug:slug>/", views.support_page, name="support_page"),
    path("education/", views.manage, name="manage"),
    path("education/<slug:slug>/edit/", views.edit, name="edit"),
    path("patients/<int:patient_id>/education/", views.tab, name="tab"),
]

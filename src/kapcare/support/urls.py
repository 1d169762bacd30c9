from django.urls import path

from kapcare.support import patient_views, views

app_name = "support"

urlpatterns = [
    path("", views.home, name="home"),
    path("accept/<str:token>/", views.accept, name="accept"),
    path("escort/<int:link_id>/", views.escort, name="escort"),
    path(
        "escort/<int:link_id>/appointments/<int:appointment_id>/",
        views.escort_appointment,
        name="escort_appointment",
    ),
    path(
        "escort/<int:link_id>/appointments/<int:appointment_id>/pickup/",
        views.pickup,
        name="pickup",
    ),
    path("people/", patient_views.people, name="people"),
    path("people/invite/", patient_views.invite, name="invite"),
    path("people/<int:link_id>/grants/", patient_views.grants, name="grants"),
    path("people/<int:link_id>/revoke/", patient_views.revoke, name="revoke"),
    path(
        "people/invitations/<int:invitation_id>/withdraw/",
        patient_views.withdraw,
        name="withdraw",
    ),
]

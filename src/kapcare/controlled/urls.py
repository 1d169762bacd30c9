from django.urls import path

from kapcare.controlled import views

app_name = "controlled"

urlpatterns = [
    path("stock/", views.ledger, name="ledger"),
    path("stock/receive/", views.receive, name="receive"),
    path("stock/lots/<int:lot_id>/", views.lot_detail, name="lot"),
    path("stock/lots/<int:lot_id>/print/", views.lot_print, name="lot_print"),
    path("stock/lots/<int:lot_id>/waste/", views.waste, name="waste"),
    path("stock/lots/<int:lot_id>/transfer/", views.transfer, name="transfer"),
    path("stock/lots/<int:lot_id>/count/", views.count, name="count"),
    path("stock/lots/<int:lot_id>/correct/", views.correct, name="correct"),
    path("stock/counts/<int:count_id>/resolve/", views.resolve, name="resolve"),
]

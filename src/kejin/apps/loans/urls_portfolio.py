"""Pages of the loan portfolio, under /loans/portfolio/ (namespace "loans")."""

from django.urls import path

from kejin.apps.loans import views_portfolio as views

urlpatterns = [
    path("", views.portfolio_page, name="portfolio"),
    path("watch/", views.watch_list_page, name="watch_list"),
    path("runs/", views.book_runs_page, name="book_runs"),
    path("runs/<str:business_date>/progress/", views.book_run_progress, name="book_run_progress"),
]

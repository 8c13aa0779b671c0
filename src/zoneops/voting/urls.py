"""Staff pages, mounted at /voting/ (login required). Residents use /vote/ (public_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_list, name="voting-campaign-list"),
    path("new/", views.campaign_edit, name="voting-campaign-new"),
    path("<int:pk>/", views.campaign_detail, name="voting-campaign"),
    path("<int:pk>/edit/", views.campaign_edit, name="voting-campaign-edit"),
    path("<int:pk>/categories/new/", views.category_new, name="voting-category-new"),
    path("<int:pk>/candidates/new/", views.candidate_edit, name="voting-candidate-new"),
    path("<int:pk>/candidates/<int:candidate_pk>/", views.candidate_edit,
         name="voting-candidate-edit"),
    path("<int:pk>/candidates/<int:candidate_pk>/photo/", views.candidate_photo,
         name="voting-candidate-photo"),
    path("<int:pk>/phase/<str:action>/", views.phase_action, name="voting-phase"),
    path("<int:pk>/confirm/", views.confirm, name="voting-confirm"),
    path("<int:pk>/hand-over/", views.hand_over, name="voting-hand-over"),
    path("<int:pk>/roll/", views.roll, name="voting-roll"),
    path("<int:pk>/roll/codes/", views.issue_codes, name="voting-issue-codes"),
    path("<int:pk>/ballots.xlsx", views.export_ballots, name="voting-export"),
    path("<int:pk>/paper/", views.paper, name="voting-paper"),
    path("<int:pk>/paper/voter/", views.paper_voter, name="voting-paper-voter"),
    path("<int:pk>/paper/voter/<int:mark_pk>/", views.paper_voter_decide,
         name="voting-paper-voter-decide"),
    path("<int:pk>/paper/enter/", views.paper_enter, name="voting-paper-enter"),
    path("<int:pk>/paper/<uuid:ballot_pk>/check/", views.paper_check, name="voting-paper-check"),
]

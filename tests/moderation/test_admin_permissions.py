"""Every admin action and custom admin view asks for a permission that changes data: a staff
user who may only view a model is offered no action, runs none, and is refused every view that
acts (issue 18: a view-only user could revoke API keys). Actions and views are enumerated from
the admin itself, so one added without a permission fails here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from moderation.api import keys
from moderation.classifier.registry import register_model
from moderation.models import ApiKey, Comment, Job, ModelVersion, Rule, RuleKind, Status
from tests.factories import CommentFactory

MODERATION_MODELS = list(apps.get_app_config("moderation").get_models())
ADMIN_MODELS = [m for m in MODERATION_MODELS if admin.site.is_registered(m)]
# The URL names every ModelAdmin has; the others are a model admin's own views.
STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")


def custom_view_names():
    names = []
    for model in ADMIN_MODELS:
        opts = model._meta
        standard = {f"{opts.app_label}_{opts.model_name}_{view}" for view in STANDARD_VIEWS}
        for pattern in admin.site.get_model_admin(model).get_urls():
            if pattern.name and pattern.name not in standard:
                names.append(pattern.name)
    return names


CUSTOM_VIEWS = custom_view_names()
# Views that only show figures: whoever may view comments may see them.
READ_ONLY_VIEWS = {"moderation_dashboard"}


def staff_with(django_user_model, *codenames):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=codenames, content_type__app_label="moderation")
    )
    return django_user_model.objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def view_permission(model):
    return f"view_{model._meta.model_name}"


def database_state():
    """Every row of every moderation table, to compare before and after a request."""
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in MODERATION_MODELS
    }


def actions_offered(model, user):
    request = RequestFactory().get("/")
    request.user = user
    return set(admin.site.get_model_admin(model).get_actions(request))


@pytest.fixture
def rows(db, django_user_model, tiny_model_dir):
    """One row each model admin's actions would change, by model; the comment pending, with an
    email and an IP address to make rules from; an earlier active model version to roll back to
    (a real one: a version is activated only when its file verifies)."""
    now = timezone.now()
    comment = CommentFactory(
        status=Status.PENDING, author_email="deals@pills.example", ip_address="203.0.113.9"
    )
    previous = register_model(tiny_model_dir)
    ModelVersion.objects.filter(pk=previous.pk).update(activated_at=now)
    ModelVersion.objects.create(
        version="current",
        path="/nowhere/current",
        sha256="1" * 64,
        is_active=True,
        activated_at=now + timedelta(minutes=1),
    )
    return {
        Comment: comment,
        Rule: Rule.objects.create(kind=RuleKind.BLOCK_IP, value="198.51.100.7"),
        Job: Job.objects.create(kind="recheck", state=Job.State.DONE),
        ApiKey: keys.create_key("Partner blog")[0],
        ModelVersion: previous,
    }


def test_every_moderation_admin_and_custom_view_is_enumerated():
    # A newly registered model admin needs a row in the `rows` fixture.
    assert set(ADMIN_MODELS) == {Comment, Rule, Job, ApiKey, ModelVersion}
    assert set(CUSTOM_VIEWS) >= {
        "moderation_decide",
        "moderation_add_rule",
        "moderation_recheck",
        "moderation_dashboard",
    }


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_staff_who_may_only_view_a_model_are_offered_none_of_its_actions(
    db, django_user_model, admin_user, model
):
    viewer = staff_with(django_user_model, view_permission(model))

    offered = actions_offered(model, viewer)

    # Every action changes data: one offered to a viewer is missing its permissions=[…].
    assert offered == set()
    assert actions_offered(model, admin_user)  # the superuser's list is not empty


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_staff_who_may_only_view_a_model_cannot_run_its_actions(
    client, django_user_model, admin_user, rows, model
):
    client.force_login(staff_with(django_user_model, view_permission(model)))
    changelist = reverse(f"admin:moderation_{model._meta.model_name}_changelist")
    selected = rows[model].pk
    before = database_state()

    changed = []
    for action in sorted(actions_offered(model, admin_user)):
        # "post": the confirmation delete_selected asks for, so it would delete at once.
        response = client.post(
            changelist, {"action": action, "_selected_action": [selected], "post": "yes"}
        )
        if response.status_code not in (200, 302) or database_state() != before:
            changed.append((action, response.status_code))

    assert changed == []


@pytest.mark.parametrize(
    ("model", "action", "codenames"),
    [
        (ApiKey, "revoke_selected", ["view_apikey", "change_apikey"]),
        (Comment, "approve_selected", ["view_comment", "moderate_comment"]),
        (ModelVersion, "roll_back", ["view_modelversion", "change_modelversion"]),
        (Rule, "delete_selected", ["view_rule", "delete_rule"]),
    ],
    ids=["revoke", "approve", "roll-back", "delete-rule"],
)
def test_staff_with_the_permission_still_run_the_action(
    client, django_user_model, rows, model, action, codenames
):
    client.force_login(staff_with(django_user_model, *codenames))
    changelist = reverse(f"admin:moderation_{model._meta.model_name}_changelist")
    before = database_state()

    response = client.post(
        changelist, {"action": action, "_selected_action": [rows[model].pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert database_state() != before


def custom_view_url(name, comment):
    needs_pk = "<int:pk>" in next(
        str(p.pattern)
        for model in ADMIN_MODELS
        for p in admin.site.get_model_admin(model).get_urls()
        if p.name == name
    )
    return reverse(f"admin:{name}", args=[comment.pk] if needs_pk else [])


# What each view is sent: a decision, a rule, else nothing.
VIEW_DATA = {"decision": "approve", "rule": f"{RuleKind.BLOCK_IP}:203.0.113.9"}


@pytest.mark.parametrize("name", CUSTOM_VIEWS)
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_staff_who_may_only_view_a_model_are_refused_the_views_that_act(
    client, django_user_model, rows, model, name
):
    codename = view_permission(model)
    client.force_login(staff_with(django_user_model, codename))
    url = custom_view_url(name, rows[Comment])
    before = database_state()

    got, posted = client.get(url), client.post(url, VIEW_DATA)

    assert database_state() == before
    if name in READ_ONLY_VIEWS and codename == "view_comment":
        assert got.status_code == 200
    else:
        # 405: a method the view never takes is refused before the permission is asked.
        assert got.status_code in (403, 405)
        assert posted.status_code == 403


@pytest.mark.parametrize("name", CUSTOM_VIEWS)
def test_visitors_who_are_not_logged_in_are_sent_to_the_login_page(client, rows, name):
    url = custom_view_url(name, rows[Comment])
    before = database_state()

    got, posted = client.get(url), client.post(url, VIEW_DATA)

    assert database_state() == before
    for response in (got, posted):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

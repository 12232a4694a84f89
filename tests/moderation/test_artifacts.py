from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from moderation.classifier import artifacts
from moderation.classifier.registry import activate_model, register_model
from moderation.features import CommentData
from moderation.models import ModelVersion
from moderation.signals import model_version_activated


def test_saved_model_folder_holds_file_checksum_and_card(tiny_model_dir):
    data = (tiny_model_dir / artifacts.MODEL_FILE).read_bytes()

    recorded = artifacts.read_checksum(tiny_model_dir)
    card = json.loads((tiny_model_dir / artifacts.CARD_FILE).read_text())

    assert recorded == hashlib.sha256(data).hexdigest()
    assert card["sha256"] == recorded
    assert card["version"] == "tiny-test-model"


def test_load_model_scores_after_verifying(tiny_model_dir):
    pipeline = artifacts.load_model(tiny_model_dir, artifacts.read_checksum(tiny_model_dir))

    spam, ham = pipeline.predict_proba(
        [
            CommentData("Buy cheap viagra online http://pills.example.com no prescription"),
            CommentData("The council should publish the budget before the vote."),
        ]
    )[:, 1]

    assert spam > 0.8 > 0.3 > ham


def test_load_model_refuses_a_file_whose_checksum_differs(tiny_model_dir, tmp_path):
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    data = bytearray((tiny_model_dir / artifacts.MODEL_FILE).read_bytes())
    data[100] ^= 0xFF
    (tampered / artifacts.MODEL_FILE).write_bytes(bytes(data))

    with pytest.raises(artifacts.ModelChecksumMismatch, match="refusing to load it"):
        artifacts.load_model(tampered, artifacts.read_checksum(tiny_model_dir))


def test_activate_spam_model_command_registers_and_activates(db, tiny_model_dir, capsys):
    call_command("activate_spam_model", str(tiny_model_dir))

    active = ModelVersion.objects.get(is_active=True)
    assert active.version == "tiny-test-model"
    assert active.sha256 == artifacts.read_checksum(tiny_model_dir)
    assert "Active model: tiny-test-model" in capsys.readouterr().out


def test_activating_a_second_version_deactivates_the_first(db, tiny_model_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, copy)
    call_command("activate_spam_model", str(tiny_model_dir))
    first = ModelVersion.objects.get()
    first.version = "older"
    first.save()

    call_command("activate_spam_model", str(copy))

    assert list(ModelVersion.objects.filter(is_active=True).values_list("path", flat=True)) == [
        str(copy.resolve())
    ]


def test_activate_spam_model_rejects_an_unknown_name(db):
    with pytest.raises(CommandError, match="neither a model folder nor a registered model"):
        call_command("activate_spam_model", "no-such-version")


def test_activate_spam_model_rejects_a_corrupt_folder(db, tiny_model_dir, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / artifacts.CHECKSUM_FILE).write_text("0" * 64 + "  model.joblib\n")
    (broken / artifacts.MODEL_FILE).write_bytes(b"not a model")

    with pytest.raises(CommandError, match="refusing to load it"):
        call_command("activate_spam_model", str(broken))

    assert not ModelVersion.objects.exists()


def test_activation_is_seen_at_once_in_this_process(db, tiny_model_dir, settings):
    from moderation.classifier.registry import active_model_source

    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 3600}
    before = active_model_source()

    call_command("activate_spam_model", str(tiny_model_dir))

    assert before.version != "tiny-test-model"
    assert active_model_source().version == "tiny-test-model"


def test_other_processes_look_again_after_the_check_interval(
    db, tiny_model_dir, settings, cache_clock
):
    from moderation.classifier.registry import active_model_source, register_model

    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 2}
    version = register_model(tiny_model_dir)
    first = active_model_source()
    # As another process would: the row changes without this process's signals firing.
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    cached = active_model_source()
    cache_clock.shift(3)
    fresh = active_model_source()

    assert first.version == cached.version != "tiny-test-model"
    assert fresh.version == "tiny-test-model"


def test_model_version_activated_is_sent_with_the_version(db, tiny_model_dir):
    received = []

    def receiver(sender, model_version, **kwargs):
        received.append((sender, model_version.version, model_version.is_active))

    model_version_activated.connect(receiver, dispatch_uid="test-activated")
    try:
        version = register_model(tiny_model_dir)
        assert received == []  # registering is not activating
        activate_model(version)
    finally:
        model_version_activated.disconnect(dispatch_uid="test-activated")

    assert received == [(ModelVersion, "tiny-test-model", True)]

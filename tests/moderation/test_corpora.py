"""Tests of moderation.corpora: tiny synthetic files per format, and counts on the real corpora."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pytest

from moderation.corpora import (
    DATASETS_ENV,
    LOADERS,
    SHIPPED_SOURCES,
    datasets_dir,
    load_c3,
    load_civil,
    load_csv,
    load_datacamp,
    load_jsonl,
    load_sms,
    load_spec,
    load_wikipedia,
    load_wordpress,
    load_youtube,
)
from moderation.dataset import Dataset, DatasetError, concat, text_group
from moderation.features import CommentData
from moderation.reference import Role, check_groups, reference_set

YOUTUBE_HEADER = "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n"
WORDPRESS_HEADER = (
    "Comment Number,Author,Website,Email,IP Address,Submit Time,Submit Year,Submit Month,"
    "Submit Day,Comment,Post,Grammar Check\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def make_dataset(n: int, *, name: str = "x", may_ship: bool = True) -> Dataset:
    return Dataset(
        name=name,
        comments=[CommentData(content=f"comment {i}") for i in range(n)],
        labels=[i % 2 for i in range(n)],
        groups=[f"g{i}" for i in range(n)],
        files=[(f"{name}.csv", "0" * 64)],
        may_ship=may_ship,
    )


# Dataset, concat, datasets_dir, text_group


def test_subset_keeps_selected_rows_in_order_and_the_metadata():
    dataset = make_dataset(5)

    part = dataset.subset(np.array([3, 1]))

    assert [c.content for c in part.comments] == ["comment 3", "comment 1"]
    assert part.labels == [1, 1]
    assert part.groups == ["g3", "g1"]
    assert (part.name, part.files, part.may_ship) == (dataset.name, dataset.files, True)
    assert len(part) == 2


def test_dataset_rejects_columns_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        Dataset("x", [CommentData("a")], [1, 0], ["g"], [], may_ship=True)


def test_concat_joins_rows_and_ships_only_when_every_part_may():
    shippable, evaluation_only = (
        make_dataset(2, name="a"),
        make_dataset(3, name="b", may_ship=False),
    )

    joined = concat([shippable, evaluation_only])

    assert joined.name == "a+b"
    assert len(joined) == 5
    assert joined.labels == [0, 1, 0, 1, 0]
    assert joined.files == [("a.csv", "0" * 64), ("b.csv", "0" * 64)]
    assert joined.may_ship is False
    assert concat([shippable]).may_ship is True


def test_concat_rejects_an_empty_list():
    with pytest.raises(ValueError, match="at least one dataset"):
        concat([])


def test_datasets_dir_prefers_argument_then_environment_then_shared_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(DATASETS_ENV, raising=False)
    default = datasets_dir()
    monkeypatch.setenv(DATASETS_ENV, str(tmp_path / "env"))

    from_env = datasets_dir()
    from_argument = datasets_dir(tmp_path / "arg")

    assert default == Path(__file__).resolve().parents[3] / "shared" / "datasets"
    assert from_env == tmp_path / "env"
    assert from_argument == tmp_path / "arg"


def test_text_group_is_shared_by_texts_equal_after_normalisation():
    assert text_group("Nice &amp; clear\ufeff") == text_group("nice  & clear")
    assert text_group("Nice & clear") != text_group("Nice & unclear")


# YouTube


def test_load_youtube_reads_author_content_and_class(tmp_path):
    write(
        tmp_path,
        "Youtube01-Demo.csv",
        YOUTUBE_HEADER
        + "id1,Ann,2014-01-01T10:00:00,check out my channel,1\n"
        + 'id2,Bob,2014-01-02T10:00:00,"great song, <br />really",0\n',
    )

    dataset = load_youtube(tmp_path)

    assert dataset.name == "youtube"
    assert dataset.comments == [
        CommentData(content="check out my channel", author_name="Ann"),
        CommentData(content="great song, <br />really", author_name="Bob"),
    ]
    assert dataset.labels == [1, 0]
    assert dataset.may_ship is True


def test_load_youtube_groups_rows_by_video_file(tmp_path):
    write(tmp_path, "Youtube01-A.csv", YOUTUBE_HEADER + "a1,Ann,,same text,1\na2,Bob,,other,0\n")
    write(tmp_path, "Youtube02-B.csv", YOUTUBE_HEADER + "b1,Cy,,same text,1\n")

    dataset = load_youtube(tmp_path)

    assert dataset.groups == ["Youtube01-A", "Youtube01-A", "Youtube02-B"]
    assert [name for name, _ in dataset.files] == ["Youtube01-A.csv", "Youtube02-B.csv"]


def test_load_youtube_drops_exact_duplicate_rows(tmp_path):
    row = "id1,Ann,,subscribe to me,1\n"
    write(tmp_path, "Youtube04-Demo.csv", YOUTUBE_HEADER + row + "id2,Bob,,nice,0\n" + row)

    dataset = load_youtube(tmp_path)

    assert [c.content for c in dataset.comments] == ["subscribe to me", "nice"]


def test_load_youtube_keeps_feff_and_html_raw_in_content(tmp_path):
    write(tmp_path, "Youtube01-Demo.csv", YOUTUBE_HEADER + "id1,Ann,,love it &#39;\ufeff,0\n")

    dataset = load_youtube(tmp_path)

    assert dataset.comments[0].content == "love it &#39;\ufeff"


def test_load_youtube_does_not_need_the_date_column(tmp_path):
    write(tmp_path, "Youtube01-Demo.csv", "COMMENT_ID,AUTHOR,CONTENT,CLASS\nid1,Ann,hi,0\n")

    dataset = load_youtube(tmp_path)

    assert dataset.labels == [0]


def test_load_youtube_names_the_missing_column(tmp_path):
    path = write(tmp_path, "Youtube01-Demo.csv", "COMMENT_ID,AUTHOR,DATE,CLASS\nid1,Ann,,1\n")

    with pytest.raises(DatasetError) as excinfo:
        load_youtube(path)

    assert str(excinfo.value) == (
        f"{path} has no 'CONTENT' column (it has: COMMENT_ID, AUTHOR, DATE, CLASS)."
    )


def test_load_youtube_names_the_unknown_label_and_its_line(tmp_path):
    path = write(tmp_path, "Youtube01-Demo.csv", YOUTUBE_HEADER + "id1,Ann,,hi,0\nid2,Bob,,yo,2\n")

    with pytest.raises(DatasetError) as excinfo:
        load_youtube(path)

    assert str(excinfo.value) == (
        f"{path} line 3: unknown label '2' (use 1/0, spam/ham or true/false)."
    )


# SMS


def test_load_sms_splits_each_line_on_the_first_tab_only(tmp_path):
    write(
        tmp_path,
        "sms.tsv",
        'ham\tsee you at 5, "the usual\tplace\nspam\tWIN a prize! txt 80000\n',
    )

    dataset = load_sms(tmp_path)

    assert dataset.comments == [
        CommentData(content='see you at 5, "the usual\tplace'),
        CommentData(content="WIN a prize! txt 80000"),
    ]
    assert dataset.labels == [0, 1]


def test_load_sms_gives_identical_texts_one_group(tmp_path):
    write(tmp_path, "sms.tsv", "ham\tcall you later\nham\tsomething else\nham\tcall you later\n")

    dataset = load_sms(tmp_path)

    assert dataset.groups[0] == dataset.groups[2] != dataset.groups[1]


def test_load_sms_rejects_a_line_without_a_tab(tmp_path):
    path = write(tmp_path, "sms.tsv", "ham\tok\nspam no tab here\n")

    with pytest.raises(DatasetError) as excinfo:
        load_sms(path)

    assert str(excinfo.value) == f"{path} line 2 has no tab after the label."


# WordPress


def test_load_wordpress_maps_author_fields_and_leaves_out_grammar_check(tmp_path):
    write(
        tmp_path,
        "spam.csv",
        WORDPRESS_HEADER
        + "7, cheap beds,http://beds.example/,bot@example.com,192.0.2.1,5:46 pm,2017,05,16,"
        + '"Great post.\nVisit my site.",Week 1,"<results><error>x</error></results>"\n',
    )

    dataset = load_wordpress(tmp_path)

    assert dataset.comments == [
        CommentData(
            content="Great post.\nVisit my site.",
            author_name="cheap beds",
            author_email="bot@example.com",
            author_url="http://beds.example/",
        )
    ]
    assert dataset.labels == [1]


def test_load_wordpress_drops_exact_duplicate_rows_but_keeps_repeated_texts(tmp_path):
    row = "1,a,,,192.0.2.1,1:00 pm,2016,01,01,buy now,p,\n"
    repeat = "2,b,,,192.0.2.1,2:00 pm,2016,01,01,buy now,p,\n"
    write(tmp_path, "spam.csv", WORDPRESS_HEADER + row + repeat + row)

    dataset = load_wordpress(tmp_path)

    assert [c.author_name for c in dataset.comments] == ["a", "b"]
    assert dataset.groups[0] == dataset.groups[1]


# Civil Comments, Wikipedia, C3, DataCamp


def test_load_civil_labels_every_row_ham_and_reads_multiline_fields(tmp_path):
    write(tmp_path, "civil.csv", 'comment_id,comment_text\n1,"You are wrong.\nVery wrong."\n2,ok\n')

    dataset = load_civil(tmp_path)

    assert [c.content for c in dataset.comments] == ["You are wrong.\nVery wrong.", "ok"]
    assert dataset.labels == [0, 0]


def test_load_civil_drops_the_known_spam_rows_unless_asked_not_to(tmp_path):
    write(tmp_path, "civil.csv", "comment_id,comment_text\n6302268,dating ad\n5,fine\n")

    default = load_civil(tmp_path)
    everything = load_civil(tmp_path, drop_known_spam=False)

    assert [c.content for c in default.comments] == ["fine"]
    assert len(everything) == 2


def write_wikipedia(folder: Path) -> None:
    write(folder, "cat_large_gn.ham.csv", "id,text,label,api,parent\n1.2.3,fine edit,0,0.1,\n")
    write(folder, "cat_large_gn.toxic.csv", "id,text,label,api,parent\n1.2.4,rude edit,1,0.9,\n")
    write(
        folder,
        "cat_large_gc.ham.csv",
        'id,text,parent,label,api\n2.3.4,"thanks,\nfixed",the parent post,0,0.0\n',
    )


def test_load_wikipedia_leaves_out_toxic_rows_by_default(tmp_path):
    write_wikipedia(tmp_path)

    dataset = load_wikipedia(tmp_path)

    assert sorted(c.content for c in dataset.comments) == ["fine edit", "thanks,\nfixed"]
    assert dataset.labels == [0, 0]


def test_load_wikipedia_keeps_toxic_rows_as_ham_when_asked(tmp_path):
    write_wikipedia(tmp_path)

    dataset = load_wikipedia(tmp_path, include_toxic=True)

    assert "rude edit" in [c.content for c in dataset.comments]
    assert dataset.labels == [0, 0, 0]


def test_load_c3_reads_every_part_as_ham_grouped_by_article(tmp_path):
    header = "article_id,comment_author,comment_counter,comment_text,constructive\n"
    write(tmp_path, "C3.part1.csv", header + '10,1,source1_10_0,"Good point.\nAgreed.",1\n')
    write(tmp_path, "C3.part2.csv", header + "10,2,source1_10_1,Nonsense.,0\n11,1,x,Yes.,1\n")

    dataset = load_c3(tmp_path)

    assert [c.content for c in dataset.comments] == ["Good point.\nAgreed.", "Nonsense.", "Yes."]
    assert dataset.labels == [0, 0, 0]
    assert dataset.groups == ["10", "10", "11"]
    assert dataset.may_ship is False


def test_load_datacamp_reads_labelled_rows_only_grouped_by_article(tmp_path):
    write(
        tmp_path,
        "datacamp.csv",
        "comment,label,articleName\r\n"
        '"Thanks!\nVisit my site",1.0,Pandas Tutorial\r\n'
        "How do I install it?,0.0,Pandas Tutorial\r\n"
        "Unread comment,,NumPy Tutorial\r\n"
        "\u00a0,1,NumPy Tutorial\r\n",
    )

    dataset = load_datacamp(tmp_path)

    assert [c.content for c in dataset.comments] == [
        "Thanks!\nVisit my site",
        "How do I install it?",
    ]
    assert dataset.labels == [1, 0]
    assert dataset.groups == ["Pandas Tutorial", "Pandas Tutorial"]
    assert dataset.may_ship is False


# Generic CSV and JSON Lines


@pytest.mark.parametrize(
    ("raw", "label"),
    [("1", 1), ("0", 0), ("spam", 1), ("HAM", 0), ("true", 1), ("False", 0), ("1.0", 1)],
)
def test_load_csv_accepts_every_label_spelling(tmp_path, raw, label):
    path = write(tmp_path, "site.csv", f"text,label\nhello,{raw}\n")

    dataset = load_csv(path)

    assert dataset.labels == [label]


def test_load_csv_reads_content_author_email_url_and_ignores_ip_and_timestamp(tmp_path):
    path = write(
        tmp_path,
        "site_export.csv",
        "Content,Label,Author,Email,URL,IP,Timestamp\n"
        '"two\nlines",spam,Ann ,a@example.com,http://a.example/,192.0.2.1,2024-01-01\n',
    )

    dataset = load_csv(path)

    assert dataset.comments == [
        CommentData(
            content="two\nlines",
            author_name="Ann",
            author_email="a@example.com",
            author_url="http://a.example/",
        )
    ]
    assert dataset.groups == [text_group("two\nlines")]


def test_load_csv_names_the_dataset_after_the_file_and_ships_only_when_told(tmp_path):
    path = write(tmp_path, "site_export.csv", "text,label\nhello,0\n")

    default = load_csv(path)
    shippable = load_csv(path, may_ship=True)

    assert default.name == "site_export"
    assert default.may_ship is False
    assert shippable.may_ship is True


def test_load_csv_reads_every_csv_file_in_a_folder(tmp_path):
    write(tmp_path, "a.csv", "text,label\none,1\n")
    write(tmp_path, "b.csv", "text,label\ntwo,0\n")
    write(tmp_path, "notes.txt", "not data")

    dataset = load_csv(tmp_path)

    assert [c.content for c in dataset.comments] == ["one", "two"]


def test_load_csv_records_each_file_name_with_the_sha256_of_its_bytes(tmp_path):
    path = write(tmp_path, "site.csv", "text,label\nhello,0\n")

    dataset = load_csv(path)

    assert dataset.files == [("site.csv", hashlib.sha256(path.read_bytes()).hexdigest())]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("text,author\nhello,Ann\n", "has no 'label' column."),
        ("body,label\nhello,1\n", "has no 'text' (or 'content') column."),
        ("", "is empty."),
        ("text,label\n", "has a header but no rows."),
        ("text,label\nhello,1\nhello,1,extra\n", "line 3 has 3 fields, expected 2."),
    ],
    ids=["no label column", "no text column", "empty", "no rows", "a row too long"],
)
def test_load_csv_rejects_a_malformed_file_saying_why(tmp_path, text, message):
    path = write(tmp_path, "site.csv", text)

    with pytest.raises(DatasetError) as excinfo:
        load_csv(path)

    assert str(excinfo.value) == f"{path} {message}"


def test_load_jsonl_reads_one_object_per_line(tmp_path):
    path = write(
        tmp_path,
        "site.jsonl",
        '{"text": "hi\\nthere", "label": true, "author": "Ann", "url": "http://a.example/"}\n'
        "\n"
        '{"content": "ok", "label": 0, "email": "b@example.com", "ip": "192.0.2.1"}\n',
    )

    dataset = load_jsonl(path)

    assert dataset.comments == [
        CommentData(content="hi\nthere", author_name="Ann", author_url="http://a.example/"),
        CommentData(content="ok", author_email="b@example.com"),
    ]
    assert dataset.labels == [1, 0]
    assert (dataset.name, dataset.may_ship) == ("site", False)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "hi"}', "line 1 has no 'label' field."),
        ('{"body": "hi", "label": 1}', "line 1 has no 'text' (or 'content') field."),
        ('{"text": "hi", "label": "maybe"}', "line 1: unknown label 'maybe'"),
        ('["hi", 1]', "line 1 is not a JSON object."),
        ('{"text": ', "line 1 is not valid JSON"),
    ],
)
def test_load_jsonl_rejects_a_bad_line_with_its_number(tmp_path, line, message):
    path = write(tmp_path, "site.jsonl", line + "\n")

    with pytest.raises(DatasetError) as excinfo:
        load_jsonl(path)

    assert str(excinfo.value).startswith(f"{path} {message}")


# Paths and specs


def test_loader_rejects_a_missing_path(tmp_path):
    missing = tmp_path / "nowhere"

    with pytest.raises(DatasetError) as excinfo:
        load_sms(missing)

    assert str(excinfo.value) == f"{missing} does not exist (set {DATASETS_ENV} or pass a path)."


def test_loader_rejects_a_folder_without_files_of_its_kind(tmp_path):
    write(tmp_path, "notes.txt", "nothing here")

    with pytest.raises(DatasetError) as excinfo:
        load_youtube(tmp_path)

    assert str(excinfo.value) == f"{tmp_path} holds no *.csv files."


def test_load_spec_reads_kind_and_path(tmp_path):
    path = write(tmp_path, "sms.tsv", "spam\tfree prize\n")

    dataset = load_spec(f"sms:{path}")

    assert (dataset.name, dataset.labels) == ("sms", [1])


def test_load_spec_without_a_path_reads_the_default_folder(monkeypatch, tmp_path):
    write(tmp_path / "sms-spam-collection", "sms.tsv", "ham\thello\n")
    monkeypatch.setenv(DATASETS_ENV, str(tmp_path))

    dataset = load_spec("sms")

    assert dataset.labels == [0]


def test_load_spec_rejects_an_unknown_kind():
    with pytest.raises(DatasetError) as excinfo:
        load_spec("reddit:/tmp/x.csv")

    assert str(excinfo.value) == (
        "Unknown dataset kind 'reddit' (known: youtube, sms, wordpress, civil, wikipedia, c3, "
        "datacamp, csv, jsonl, written, site)."
    )


def test_load_spec_rejects_a_missing_path(tmp_path):
    missing = tmp_path / "missing.csv"

    with pytest.raises(DatasetError, match="does not exist"):
        load_spec(f"csv:{missing}")


def test_load_spec_rejects_csv_without_a_path():
    with pytest.raises(DatasetError) as excinfo:
        load_spec("csv")

    assert str(excinfo.value) == "This loader needs a file or a folder of *.csv files."


def test_shipped_sources_are_loader_kinds_whose_datasets_may_ship():
    assert set(SHIPPED_SOURCES) <= set(LOADERS)
    assert {"c3", "datacamp"}.isdisjoint(SHIPPED_SOURCES)


# The real corpora in ../shared/datasets (counts from their READMEs, after the documented dedup)


# name: (rows, spam, may_ship). README counts, less: 2 repeated Eminem rows (all spam) in
# YouTube, 15 repeated rows in WordPress, 3 known spam rows in Civil Comments, the 179 toxic
# CAT-LARGE rows, and DataCamp's one labelled comment that is only a no-break space.
REAL_COUNTS = {
    "youtube": (1584, 829, True),
    "sms": (4459, 598, True),
    "wordpress": (2419, 2419, True),
    "civil": (13676, 0, True),
    "wikipedia": (16804, 0, True),
    "c3": (10314, 0, False),
    "datacamp": (607, 110, False),
}

# sha256 of every file, as listed in each corpus README.
README_SHA256 = {
    "Youtube01-Psy.csv": "19797e6c77690e3c8809cfd2853ae7341390636367ba66cf5d4f4083f0b88535",
    "Youtube02-KatyPerry.csv": "902c614f8ef24f987d6f614d7e6111aa5160b89a0646b68e007bd6044a3d123b",
    "Youtube03-LMFAO.csv": "702ef589860a1831956f527760a3d9737ef8a07ab36c7de35b92b8898b8c3928",
    "Youtube04-Eminem.csv": "92f54eb6b22fdf3b7ae85e1f500e5aa7442edd025e504b988a97078756187e76",
    "SMSSpamCollection.train.tsv": (
        "6e83953b9b4af08fad99ec71170a545cbc4fe2d4dd93a1be762ad726893db7a0"
    ),
    "spam_data.csv": "97c2846efa1eb140c69a6abb90aebe052c5af14c3cfa22342007b6c5bc47acf8",
    "civil_comments_toxic_spans.public.csv": (
        "a713863002fb2c0bef541848b4de8547cef98dbb9f48edc3830b98c60bdb70ff"
    ),
    "cat_large_gn.ham.csv": "4f3a277f6da92ad9c7a14ea7b2d3d66d97579bd2c40dc64647baf49f228a1485",
    "cat_large_gn.toxic.csv": "34c053e37972aadf4340c81640353fd8f30947efed4ecb8803e9e087928bdbae",
    "cat_large_gc.ham.csv": "2a5b682c421c4c62cb62f5d5bae88c0246e12309174a2ef10f94df4c064b607c",
    "cat_large_gc.toxic.csv": "907e864937e1fd3bf2953580b73d0f9fa41c79eb4c15b36c118914b2659e6564",
    "C3_public.part1.csv": "90a387c29c0d48f42348858789bbbd32aec412e23a771d77a9be9976670b7866",
    "C3_public.part2.csv": "f43b6e25057a0ca529e8a3bc53c4cace39a672298dd95ee0d71d5af63a2fc6c8",
    "C3_public.part3.csv": "4923e2607cec28442a199d7fd5f2a8e39ae34bce0956010a528a407161d2de2e",
    "C3_public.part4.csv": "703e99a1d1e3bf43670ccdd90d285d775dbf7318ace8bc863c1da98773075329",
    "datacamp_comments_labeled.csv": (
        "898857de912a8fb087ac30558940c6d069a592498c43525ac6b1a992a511a658"
    ),
}


@pytest.mark.datasets
@pytest.mark.parametrize("kind", sorted(REAL_COUNTS))
def test_real_corpus_has_the_documented_rows_classes_and_checksums(real_datasets, kind):
    rows, spam, may_ship = REAL_COUNTS[kind]

    # The loader itself: load_spec also leaves out the reference check rows (below).
    dataset = LOADERS[kind]()

    assert (len(dataset), sum(dataset.labels), dataset.may_ship) == (rows, spam, may_ship)
    assert dataset.files == [(name, README_SHA256[name]) for name, _ in dataset.files]


# Rows load_spec leaves out of each shippable corpus: every row whose text is a reference check
# row's once normalised. Civil Comments repeats 7 of its 1000 check texts in 21 more rows, the
# WordPress queue 5 of its 300 in 5 more rows (the same text under another author).
CHECK_ROWS_LEFT_OUT = {
    "youtube": (0, 0),
    "sms": (0, 0),
    "wordpress": (300, 305),
    "civil": (1000, 1021),
    "wikipedia": (0, 0),
    "written": (0, 0),
}


@pytest.mark.datasets
@pytest.mark.parametrize("kind", SHIPPED_SOURCES)
def test_load_spec_leaves_out_exactly_the_rows_of_the_reference_check_texts(real_datasets, kind):
    check = reference_set(Role.CHECK)
    check_texts = {
        text_group(comment.content)
        for comment, source in zip(check.comments, check.sources, strict=True)
        if source == kind
    }
    held_out = check_groups()
    loaded = LOADERS[kind]()

    dataset = load_spec(kind)

    groups = [text_group(comment.content) for comment in loaded.comments]
    assert (len(check_texts), len(loaded) - len(dataset)) == CHECK_ROWS_LEFT_OUT[kind]
    assert check_texts <= set(groups)
    assert dataset.comments == [
        comment
        for comment, group in zip(loaded.comments, groups, strict=True)
        if group not in held_out
    ]
    assert held_out.isdisjoint(text_group(comment.content) for comment in dataset.comments)
    assert (dataset.name, dataset.files, dataset.may_ship) == (
        loaded.name,
        loaded.files,
        loaded.may_ship,
    )


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([header, *rows])
    return path


def test_load_spec_leaves_a_check_text_out_of_shippable_corpora_only(tmp_path):
    check = reference_set(Role.CHECK)
    check_text = check.comments[check.sources.index("civil")].content
    civil = write_csv(
        tmp_path / "civil.csv", ["comment_id", "comment_text"], [["1", "fine"], ["2", check_text]]
    )
    site = write_csv(
        tmp_path / "site.csv", ["text", "label"], [["fine", "ham"], [check_text, "ham"]]
    )

    shippable, evaluation_only = load_spec(f"civil:{civil}"), load_spec(f"csv:{site}")

    assert [c.content for c in load_civil(civil).comments] == ["fine", check_text]
    assert [c.content for c in shippable.comments] == ["fine"]
    assert [c.content for c in evaluation_only.comments] == ["fine", check_text]


@pytest.mark.datasets
def test_real_youtube_keeps_feff_raw_and_groups_by_video(real_datasets):
    dataset = load_youtube()

    assert sum("\ufeff" in c.content for c in dataset.comments) == 1383
    assert sorted(set(dataset.groups)) == [
        "Youtube01-Psy",
        "Youtube02-KatyPerry",
        "Youtube03-LMFAO",
        "Youtube04-Eminem",
    ]
    assert dataset.groups.count("Youtube04-Eminem") == 446


@pytest.mark.datasets
def test_real_wikipedia_toxic_rows_stay_ham_when_included(real_datasets):
    dataset = load_wikipedia(include_toxic=True)

    assert (len(dataset), sum(dataset.labels)) == (16983, 0)


@pytest.mark.datasets
def test_real_civil_comments_hold_three_known_spam_rows(real_datasets):
    assert len(load_civil(drop_known_spam=False)) - len(load_civil()) == 3


@pytest.mark.datasets
def test_real_c3_and_datacamp_group_by_article(real_datasets):
    assert len(set(load_c3().groups)) == 411
    assert len(set(load_datacamp().groups)) == 83


def test_written_corpus_is_shippable_and_has_both_classes():
    dataset = load_spec("written")

    assert dataset.name == "written"
    assert dataset.may_ship is True
    assert (len(dataset), sum(dataset.labels)) == (850, 390)

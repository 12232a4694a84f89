"""Labelled corpora -> `Dataset`: the first step of training (`python -m training`,
`train_spam_model`); a site's retraining reads none of them.

Each `load_<corpus>()` reads one folder of ../shared/datasets (see its README) into `CommentData`
records with 1 = spam / 0 = ham labels and split-group keys; `load_spec("KIND:PATH")` picks one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from moderation import reference
from moderation.dataset import Dataset, DatasetError, text_group
from moderation.features import CommentData

DATASETS_ENV = "MODERATION_DATASETS"

# The WordPress `Grammar Check` XML can exceed the csv module's 128 KiB default field limit;
# 2**31 - 1 is the largest value every platform's C long accepts.
_CSV_FIELD_LIMIT = 2**31 - 1

# Kinds `load_spec` accepts whose licence lets a shipped model learn from them.
SHIPPED_SOURCES = ("youtube", "sms", "wordpress", "civil", "wikipedia", "written")

_LABELS = {"1": 1, "1.0": 1, "spam": 1, "true": 1, "0": 0, "0.0": 0, "ham": 0, "false": 0}

# Civil Comments rows that its README identifies as real spam let through by moderation.
CIVIL_KNOWN_SPAM_IDS = frozenset({"6302268", "881105", "6244582"})


def datasets_dir(path: str | Path | None = None) -> Path:
    """Return the datasets folder: `path`, else MODERATION["DATASETS_DIR"] (in a Django site),
    else $MODERATION_DATASETS, else ../shared/datasets beside the source checkout."""
    if path is not None:
        return Path(path)
    if configured := _setting():
        return Path(configured)
    if env := os.environ.get(DATASETS_ENV):
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


def _setting() -> str | None:
    from django.conf import settings

    if not settings.configured:  # `python -m training` runs without a Django site
        return None
    from moderation.conf import get_settings

    value = get_settings()["DATASETS_DIR"]
    return str(value) if value else None


@dataclass
class _Builder:
    """Rows and file checksums collected by one loader."""

    comments: list[CommentData] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)

    def read_text(self, file: Path) -> str:
        data = file.read_bytes()
        if not data.strip():
            raise DatasetError(f"{file} is empty.")
        try:
            # utf-8-sig drops a byte-order mark at the start of the file only; U+FEFF inside
            # comments stays, because normalisation belongs to moderation.features.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{file} is not UTF-8 ({exc}).") from exc
        self.files.append((file.name, hashlib.sha256(data).hexdigest()))
        return text

    def read_csv(
        self, file: Path, required: Sequence[str] = ()
    ) -> list[tuple[str, dict[str, str]]]:
        """Return ("<file> line <n>", row) pairs; a multi-line quoted field stays in one row."""
        csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
        reader = csv.reader(io.StringIO(self.read_text(file), newline=""))
        header = next(reader)
        for column in required:
            if column not in header:
                raise DatasetError(
                    f"{file} has no {column!r} column (it has: {', '.join(header)})."
                )
        rows = []
        for record in reader:
            if not record:
                continue
            where = f"{file} line {reader.line_num}"
            if len(record) != len(header):
                raise DatasetError(f"{where} has {len(record)} fields, expected {len(header)}.")
            rows.append((where, dict(zip(header, record, strict=True))))
        if not rows:
            raise DatasetError(f"{file} has a header but no rows.")
        return rows

    def add(self, comment: CommentData, label: int, group: str | None = None) -> None:
        # A blank comment gives the model nothing to read (DataCamp has one labelled "\xa0").
        if not comment.content.strip():
            return
        self.comments.append(comment)
        self.labels.append(label)
        self.groups.append(group if group is not None else text_group(comment.content))

    def build(self, name: str, *, may_ship: bool) -> Dataset:
        return Dataset(name, self.comments, self.labels, self.groups, self.files, may_ship)


def _source_files(path: str | Path | None, folder: str | None, pattern: str) -> list[Path]:
    if path is None:
        if folder is None:
            raise DatasetError(f"This loader needs a file or a folder of {pattern} files.")
        root = datasets_dir() / folder
    else:
        root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise DatasetError(f"{root} does not exist (set {DATASETS_ENV} or pass a path).")
    files = sorted(p for p in root.glob(pattern) if p.is_file())
    if not files:
        raise DatasetError(f"{root} holds no {pattern} files.")
    return files


def _label(value: object, where: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    key = str(value).strip().lower()
    if key not in _LABELS:
        raise DatasetError(f"{where}: unknown label {value!r} (use 1/0, spam/ham or true/false).")
    return _LABELS[key]


def load_youtube(path: str | Path | None = None) -> Dataset:
    """Load the YouTube Spam Collection; one group per video file."""
    rows = _Builder()
    seen: set[tuple[str, ...]] = set()
    for file in _source_files(path, "youtube-spam-collection", "*.csv"):
        for where, row in rows.read_csv(file, ("COMMENT_ID", "AUTHOR", "CONTENT", "CLASS")):
            # Eminem repeats two rows verbatim (same COMMENT_ID). DATE is never read: it is
            # empty for exactly the Eminem spam rows, so it leaks the label.
            key = tuple(row.values())
            if key in seen:
                continue
            seen.add(key)
            comment = CommentData(content=row["CONTENT"], author_name=row["AUTHOR"])
            rows.add(comment, _label(row["CLASS"], where), group=file.stem)
    return rows.build("youtube", may_ship=True)


def load_sms(path: str | Path | None = None) -> Dataset:
    """Load the SMS Spam Collection (`label<TAB>text` lines)."""
    rows = _Builder()
    for file in _source_files(path, "sms-spam-collection", "*.tsv"):
        # Split on the first tab, not with csv: some messages hold unbalanced quotes.
        for number, line in enumerate(rows.read_text(file).split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line:
                continue
            label, tab, message = line.partition("\t")
            if not tab:
                raise DatasetError(f"{file} line {number} has no tab after the label.")
            rows.add(CommentData(content=message), _label(label, f"{file} line {number}"))
    return rows.build("sms", may_ship=True)


def load_wordpress(path: str | Path | None = None) -> Dataset:
    """Load the WordPress spam queue: all spam, with author name, e-mail and URL."""
    rows = _Builder()
    seen: set[tuple[str, ...]] = set()
    for file in _source_files(path, "wordpress-spam-queue", "*.csv"):
        for _, row in rows.read_csv(file, ("Author", "Website", "Email", "Comment")):
            # The export scraped some pages twice. IP Address (nearly constant) and Grammar
            # Check (added by the repository author) are not part of the comment.
            key = tuple(row.values())
            if key in seen:
                continue
            seen.add(key)
            comment = CommentData(
                content=row["Comment"],
                author_name=row["Author"].strip(),
                author_email=row["Email"].strip(),
                author_url=row["Website"].strip(),
            )
            rows.add(comment, 1)
    return rows.build("wordpress", may_ship=True)


def load_civil(path: str | Path | None = None, *, drop_known_spam: bool = True) -> Dataset:
    """Load the Civil Comments toxic-spans texts as ham (rude is not spam)."""
    rows = _Builder()
    for file in _source_files(path, "civil-comments-toxic-spans", "*.csv"):
        for _, row in rows.read_csv(file, ("comment_id", "comment_text")):
            if drop_known_spam and row["comment_id"] in CIVIL_KNOWN_SPAM_IDS:
                continue
            rows.add(CommentData(content=row["comment_text"]), 0)
    return rows.build("civil", may_ship=True)


def load_wikipedia(path: str | Path | None = None, *, include_toxic: bool = False) -> Dataset:
    """Load the CAT-LARGE Wikipedia talk comments as ham; toxic rows only if asked, as ham."""
    rows = _Builder()
    for file in _source_files(path, "wikipedia-talk-cat-large", "*.csv"):
        for where, row in rows.read_csv(file, ("text", "label")):
            # `label` is the crowd's toxicity verdict; toxic is not spam, so it never becomes 1.
            if _label(row["label"], where) == 1 and not include_toxic:
                continue
            rows.add(CommentData(content=row["text"]), 0)
    return rows.build("wikipedia", may_ship=True)


def load_c3(path: str | Path | None = None) -> Dataset:
    """Load the C3 Globe and Mail comments as ham, grouped by article (evaluation only)."""
    rows = _Builder()
    # Parts are consecutive slices, and an article can straddle two, so read them all.
    for file in _source_files(path, "c3-news-comments", "*.csv"):
        for _, row in rows.read_csv(file, ("article_id", "comment_text")):
            # comment_author is an anonymised integer, not a name a site would see.
            rows.add(CommentData(content=row["comment_text"]), 0, group=row["article_id"])
    return rows.build("c3", may_ship=False)


def load_datacamp(path: str | Path | None = None) -> Dataset:
    """Load the labelled DataCamp tutorial comments, grouped by article (evaluation only)."""
    rows = _Builder()
    for file in _source_files(path, "datacamp-tutorial-comments", "*.csv"):
        for where, row in rows.read_csv(file, ("comment", "label", "articleName")):
            if not row["label"].strip():
                continue
            comment = CommentData(content=row["comment"])
            rows.add(comment, _label(row["label"], where), group=row["articleName"])
    return rows.build("datacamp", may_ship=False)


def _require_text_and_label(names: Collection[str], where: str, kind: str) -> None:
    """Raise DatasetError unless `names` (a CSV header, a JSON object's keys) hold both."""
    if "text" not in names and "content" not in names:
        raise DatasetError(f"{where} has no 'text' (or 'content') {kind}.")
    if "label" not in names:
        raise DatasetError(f"{where} has no 'label' {kind}.")


def _generic_row(record: dict[str, object], where: str) -> tuple[CommentData, int]:
    def text(*keys: str) -> str:
        value = next((record[key] for key in keys if record.get(key) is not None), "")
        return str(value)

    _require_text_and_label(record, where, "field")
    comment = CommentData(
        content=text("text", "content"),
        author_name=text("author_name", "author").strip(),
        author_email=text("email").strip(),
        author_url=text("url").strip(),
    )
    return comment, _label(record["label"], where)


def _generic_name(path: str | Path | None) -> str:
    return Path(path).stem if path is not None else ""


def load_csv(path: str | Path | None = None, *, may_ship: bool = False) -> Dataset:
    """Load CSV files with `text` (or `content`) and `label` columns; `ip`/`timestamp` are ignored.

    Optional columns: `author` (or `author_name`), `email`, `url`. Header names are matched
    case-insensitively; labels are 1/0, spam/ham or true/false.
    """
    rows = _Builder()
    for file in _source_files(path, None, "*.csv"):
        records = rows.read_csv(file)
        _require_text_and_label({key.strip().lower() for key in records[0][1]}, str(file), "column")
        for where, row in records:
            lowered: dict[str, object] = {k.strip().lower(): v for k, v in row.items()}
            rows.add(*_generic_row(lowered, where))
    return rows.build(_generic_name(path), may_ship=may_ship)


def load_jsonl(path: str | Path | None = None, *, may_ship: bool = False) -> Dataset:
    """Load JSON Lines files: one object per line with the keys `load_csv` reads."""
    rows = _Builder()
    for file in _source_files(path, None, "*.jsonl"):
        for number, line in enumerate(rows.read_text(file).split("\n"), start=1):
            if not line.strip():
                continue
            where = f"{file} line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{where} is not valid JSON ({exc.msg}).") from exc
            if not isinstance(record, dict):
                raise DatasetError(f"{where} is not a JSON object.")
            rows.add(*_generic_row(record, where))
    return rows.build(_generic_name(path), may_ship=may_ship)


WRITTEN_CORPUS = Path(__file__).resolve().parent / "corpus" / "hamlet_written.jsonl"


def load_written(path: str | Path | None = None) -> Dataset:
    """Load the comments the project wrote itself (moderation/corpus/README.md); may ship."""
    dataset = load_jsonl(path or WRITTEN_CORPUS, may_ship=True)
    return replace(dataset, name="written")


def load_site(path: str | Path | None = None) -> Dataset:
    """Load the site's moderator-labelled comments from its database (needs Django set up)."""
    if path:
        raise DatasetError("The 'site' kind reads the database; it takes no path.")
    from moderation.labels import labelled_comments

    rows = _Builder()
    for comment, label in labelled_comments():
        rows.add(comment, label)
    if not rows.comments:
        raise DatasetError("The site has no moderator-labelled comments yet.")
    # A site's readers' comments are its own data: never shipped in a model of the project's.
    return rows.build("site", may_ship=False)


LOADERS: dict[str, Callable[..., Dataset]] = {
    "youtube": load_youtube,
    "sms": load_sms,
    "wordpress": load_wordpress,
    "civil": load_civil,
    "wikipedia": load_wikipedia,
    "c3": load_c3,
    "datacamp": load_datacamp,
    "csv": load_csv,
    "jsonl": load_jsonl,
    "written": load_written,
    "site": load_site,
}


def load_spec(spec: str) -> Dataset:
    """Load "KIND:PATH" (a file or a folder of files of that kind), or "KIND" from its folder.

    Rows of the shipped check set (moderation.reference) are left out of shippable corpora:
    sites judge retrained models on them, so no model may learn them.
    """
    kind, _, path = spec.partition(":")
    loader = LOADERS.get(kind.strip().lower())
    if loader is None:
        raise DatasetError(f"Unknown dataset kind {kind!r} (known: {', '.join(LOADERS)}).")
    dataset: Dataset = loader(path) if path else loader()
    held_out = reference.check_groups()
    if not dataset.may_ship or not held_out:
        return dataset
    return dataset.subset(
        i for i, c in enumerate(dataset.comments) if text_group(c.content) not in held_out
    )

"""Bad input gets a clear error or a counted quarantine, never a silent loss."""

from __future__ import annotations

import pytest

from pipelines.core.ingest import ingest
from pipelines.core.io import DataError, read_parquet
from pipelines.core.validate import validate
from tests.helpers import RUN_DATE, T0, good_rows, land_csv, ratings_csv


def ingest_and_validate(layout, ratings_text, **kw):
    land_csv(layout, ratings_text, **kw)
    ingest(layout, RUN_DATE)
    return validate(layout, RUN_DATE)


def quarantined(layout, table="ratings"):
    return read_parquet(layout.quarantine(table, RUN_DATE))


def assert_accounted(report, table="ratings"):
    counts = report[table]
    assert counts["rows_in"] == counts["rows_kept"] + counts["rows_quarantined"]
    assert sum(counts["by_reason"].values()) == counts["rows_quarantined"]


def test_clean_input_keeps_every_row(layout):
    report = ingest_and_validate(layout, ratings_csv(good_rows()))
    assert report["ratings"] == {
        "rows_in": 30,
        "rows_kept": 30,
        "rows_quarantined": 0,
        "by_reason": {},
    }
    assert report["movies"]["rows_kept"] == 5


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ((1, 1, "five", T0), "non_numeric"),
        ((1, 1, "", T0), "missing_value"),
        (("", 1, 4.0, T0), "missing_value"),
        ((1, 1, 6.0, T0), "rating_out_of_range"),
        ((1, 1, 0.0, T0), "rating_out_of_range"),
        ((1, 1, 3.3, T0), "rating_out_of_range"),
        ((-4, 1, 4.0, T0), "invalid_id"),
        ((1.5, 1, 4.0, T0), "invalid_id"),
        ((1, 999, 4.0, T0), "unknown_movie"),
        ((1, 1, 4.0, 12), "timestamp_out_of_range"),  # 1970
        ((1, 1, 4.0, 4_000_000_000), "timestamp_out_of_range"),  # after the partition's day
    ],
)
def test_bad_row_is_quarantined_with_its_reason(layout, bad_row, reason):
    report = ingest_and_validate(layout, ratings_csv([*good_rows(), bad_row]))
    assert_accounted(report)
    assert report["ratings"]["rows_kept"] == 30
    assert report["ratings"]["by_reason"] == {reason: 1}
    rejected = quarantined(layout)
    assert rejected["reason"].tolist() == [reason]
    assert rejected["row"].tolist() == [30]  # points back at the offending row


def test_duplicated_rows_keep_the_first_copy(layout):
    rows = good_rows()
    report = ingest_and_validate(layout, ratings_csv([*rows, rows[3], rows[3], rows[7]]))
    assert_accounted(report)
    assert report["ratings"]["by_reason"] == {"duplicate": 3}
    assert report["ratings"]["rows_kept"] == 30


def test_a_rejected_row_repeated_is_not_called_a_duplicate(layout):
    bad = (1, 1, 9.0, T0)
    report = ingest_and_validate(layout, ratings_csv([*good_rows(), bad, bad]))
    assert report["ratings"]["by_reason"] == {"rating_out_of_range": 2}


def test_truncated_csv_line_is_quarantined_as_malformed(layout):
    text = ratings_csv(good_rows()) + "7,3,4."  # the file was cut off mid-line
    report = ingest_and_validate(layout, text)
    assert_accounted(report)
    assert report["ratings"]["by_reason"] == {"malformed_line": 1}
    assert quarantined(layout)["text"].tolist() == ["7,3,4."]


def test_missing_column_is_a_clear_error(layout):
    text = "userId,movieId,timestamp\n1,1,1300000000\n"
    land_csv(layout, text)
    with pytest.raises(
        DataError,
        match=r"missing column\(s\) rating .*found: userId, movieId, timestamp.*\(landed from test\)$",
    ):
        ingest(layout, RUN_DATE)


def test_empty_file_is_a_clear_error(layout):
    land_csv(layout, "")
    with pytest.raises(DataError, match="empty"):
        ingest(layout, RUN_DATE)


def test_header_only_increment_is_zero_rows_not_an_error(layout):
    land_csv(layout, ratings_csv(good_rows()))
    ingest(layout, RUN_DATE)
    validate(layout, RUN_DATE)
    next_day = RUN_DATE.replace(day=18)
    land_csv(layout, "userId,movieId,rating,timestamp\n", date=next_day, kind="increment")
    ingest(layout, next_day)
    report = validate(layout, next_day)
    assert report["ratings"] == {
        "rows_in": 0,
        "rows_kept": 0,
        "rows_quarantined": 0,
        "by_reason": {},
    }


def test_corrupt_parquet_is_a_clear_error(layout, tmp_path):
    from pipelines.core.landing import land_partition

    broken = tmp_path / "ratings.parquet"
    broken.write_bytes(b"PAR1 this is not really parquet PAR1")
    movies = tmp_path / "movies.csv"
    movies.write_text("movieId,title,genres\n1,A (1999),Drama\n")
    land_partition(layout, RUN_DATE, "snapshot", {"ratings": broken, "movies": movies}, "test")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        ingest(layout, RUN_DATE)


def test_bad_movies_are_quarantined_and_their_ratings_too(layout):
    movies = "movieId,title,genres\n1,A (1999),Drama\n1,A again (1999),Drama\nx,B,Drama\n2,,\n"
    rows = [(1, 1, 4.0, T0), (1, 2, 3.0, T0 + 1), (2, 3, 2.0, T0 + 2)]
    report = ingest_and_validate(layout, ratings_csv(rows), movies_text=movies)
    assert_accounted(report, "movies")
    assert report["movies"]["by_reason"] == {"duplicate": 1, "non_numeric": 1}
    assert report["ratings"]["by_reason"] == {"unknown_movie": 1}
    clean = read_parquet(layout.clean_movies(RUN_DATE))
    assert (
        clean.loc[clean.movieId == 2, "genres"].item() == "(no genres listed)"
    )  # filled, not lost

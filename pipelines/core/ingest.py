"""Extract: move a landed partition into the lake's raw zone, as Parquet, without judging it.

The raw zone keeps what arrived, so validation can be rerun and audited. CSV is read with
every column as text: a rating of "five" must reach validation (and the quarantine) rather
than crash the parser. Lines that are not even CSV rows (wrong number of fields, a file cut
off mid-line) are set aside with their text, and counted, so nothing is lost silently.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.core.io import DataError, read_parquet, write_json, write_parquet
from pipelines.core.landing import partition_info
from pipelines.core.layout import Layout
from pipelines.core.schema import MOVIES_COLUMNS, RATINGS_COLUMNS, require_columns


def read_landed_table(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one landed file → (rows, malformed lines). Parquet keeps its types; CSV is text."""
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty (0 bytes); re-deliver the partition")
    if path.suffix == ".parquet":
        return read_parquet(path), _malformed_frame([])
    if path.suffix == ".csv":
        return _read_csv_as_text(path)
    raise DataError(f"{path}: unsupported file type {path.suffix!r}; land .csv or .parquet")


def _malformed_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["line", "text", "reason"]).astype(
        {"line": "Int64", "text": "string", "reason": "string"}
    )


def _read_csv_as_text(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    malformed: list[dict] = []

    def keep_aside(row: pacsv.InvalidRow) -> str:
        malformed.append(
            {
                "line": row.number,
                "text": row.text,
                "reason": f"malformed_line: expected {row.expected_columns} fields, "
                f"got {row.actual_columns}",
            }
        )
        return "skip"

    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            header = next(csv.reader(fh), [])
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=keep_aside),
        )
    except pa.ArrowInvalid as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc}); re-deliver it") from exc
    return table.to_pandas(), _malformed_frame(malformed)


def ingest(layout: Layout, date: dt.date | str) -> dict:
    """Copy the landing partition for `date` into `lake/raw/date=D/`; return the ingest summary."""
    info = partition_info(layout, date)
    landing = layout.landing(date)
    summary: dict = {"date": info["date"], "kind": info["kind"], "source": info["source"]}
    malformed_parts = []
    required = {"ratings": RATINGS_COLUMNS, "movies": MOVIES_COLUMNS}
    outputs = {"ratings": layout.raw_ratings(date), "movies": layout.raw_movies(date)}
    for table, file_name in sorted(info["files"].items()):
        if table not in required:
            raise DataError(f"{landing}: unknown table {table!r} in _partition.json")
        try:
            rows, malformed = read_landed_table(landing / file_name)
            require_columns(table, list(rows.columns), required[table], str(landing / file_name))
        except DataError as exc:  # name what the user delivered, not only the landed copy
            raise DataError(f"{exc} (landed from {info['source']})") from None
        write_parquet(rows, outputs[table])
        malformed_parts.append(malformed.assign(table=table))
        summary[f"{table}_rows"] = len(rows)
        summary[f"{table}_malformed"] = len(malformed)
    write_parquet(pd.concat(malformed_parts, ignore_index=True), layout.malformed_lines(date))
    write_json(summary, layout.raw_report(date))
    return summary

"""One bounded file reader (core/files.py) behind every reader that takes a whole file: documents,
exports, schema files and reliability data refuse a folder, a FIFO and an oversized file with the
same check and the same reason."""

import os

import pytest

from annotator.core.agreement.reliability_io import read_reliability_csv
from annotator.core.documents.readers import read_file
from annotator.core.errors import AnnotatorError, ReadError
from annotator.core.exchange.export_file import read_export
from annotator.core.files import MiB, MissingFileError, open_bounded, read_bounded
from annotator.core.schema.files import read_schema

READERS = [read_file, read_export, read_schema, read_reliability_csv]


def reason(function, path) -> str:
    with pytest.raises(AnnotatorError) as caught:
        function(path)
    return str(caught.value).removeprefix(f"{path}: ")


def test_every_reader_refuses_a_folder_with_the_same_reason(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert {reason(function, folder) for function in READERS} == {"is a folder, not a file"}


def test_every_reader_refuses_a_fifo_with_the_same_reason(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert {reason(function, fifo) for function in READERS} == {"not a regular file (a pipe or device)"}


def test_the_size_limit_is_checked_before_reading_and_worded_one_way(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(3 * MiB + MiB // 2)
    with pytest.raises(ReadError, match=r"^the file is 3.5 MiB; files of this kind are read up to 2 MiB$"):
        read_bounded(path, 2 * MiB)
    with pytest.raises(ReadError, match=r"^the file is 3.5 MiB; exports of up to 2 MiB are accepted$"):
        with open_bounded(path, 2 * MiB, "exports"):
            pass
    with path.open("wb") as handle:
        handle.truncate(4 * MiB)
    with pytest.raises(ReadError, match=r"^the file is 4 MiB; "):  # a whole number of MiB is written whole
        read_bounded(path, 2 * MiB)
    assert read_bounded(path, 4 * MiB) == bytes(4 * MiB)


def test_a_missing_file_is_its_own_read_error(tmp_path):
    with pytest.raises(MissingFileError, match=r"^cannot read the file \("):
        read_bounded(tmp_path / "gone.txt", MiB)

"""Issue 16, point 2: the annotation table's pages follow one edit in place (gui/models/table_pages.py):
after a row is inserted or removed, every whole page holds exactly the rows of the table at its
place, and a piece holds a run of them where it says."""

from __future__ import annotations

import random

import pytest

from annotator.gui.models.table_pages import Piece, cut, edit_runs, runs_of

SIZE = 4


def held(table: list, pages: set[int]) -> dict[int, list]:
    return {p: table[p * SIZE:(p + 1) * SIZE] for p in pages if p * SIZE < len(table)}


def check(table: list, whole, pieces) -> None:
    for page, rows in whole.items():
        assert rows == table[page * SIZE:(page + 1) * SIZE], page
    for page, piece in pieces.items():
        low = page * SIZE
        assert piece.length == len(table[low:low + SIZE])
        assert 0 < len(piece.rows) < piece.length
        assert piece.rows == table[low + piece.at:low + piece.at + len(piece.rows)], page


@pytest.mark.parametrize("seed", range(40))
def test_pages_after_edits_hold_the_rows_of_the_table(seed):
    rng = random.Random(seed)
    table = [f"r{n}" for n in range(rng.randint(0, 30))]
    pages = held(table, set(rng.sample(range(9), rng.randint(0, 9))))
    pieces = {}
    for page in set(range(len(table) // SIZE)) - set(pages):  # a row or two of some other pages
        if rng.random() < 0.5:
            at = rng.randrange(SIZE - 1)
            pieces[page] = Piece(at, table[page * SIZE + at:page * SIZE + at + rng.randint(1, SIZE - 1 - at)], SIZE)
    fresh = 0
    for _ in range(6):
        runs = runs_of(pages, pieces, SIZE)
        if table and rng.random() < 0.5:
            at = rng.randrange(len(table))
            del table[at]
            runs = edit_runs(runs, at)
        else:
            at = rng.randint(0, len(table))
            fresh += 1
            table.insert(at, f"new{fresh}")
            runs = edit_runs(runs, at, f"new{fresh}")
        whole, pieces = cut(runs, len(table), SIZE)
        check(table, whole, pieces)
        pages = whole


def test_a_move_is_a_removal_then_an_insertion_at_the_final_place():
    table = [f"r{n}" for n in range(12)]
    pages = held(table, {0, 1, 2})
    runs = edit_runs(edit_runs(runs_of(pages, {}, SIZE), 2), 9, "r2")
    table.insert(9, table.pop(2))
    whole, pieces = cut(runs, len(table), SIZE)
    assert whole == held(table, {0, 1, 2}) and pieces == {}


def test_an_insertion_before_the_pages_held_leaves_them_a_row_short_at_their_start():
    table = [f"r{n}" for n in range(12)]
    whole, pieces = cut(edit_runs(runs_of(held(table, {2}), {}, SIZE), 0, "new"), 13, SIZE)
    assert pieces == {2: (1, ["r8", "r9", "r10"], 4)}  # its first row now is r7, of page 1 (not held)
    assert whole == {3: ["r11"]}  # the last page, now of one row: whole


def test_pieces_and_more_rows_join_the_runs_they_touch():
    table = [f"r{n}" for n in range(20)]
    pages = held(table, {1})
    pieces = {2: Piece(0, table[8:10], 4), 4: Piece(1, table[17:19], 4)}
    runs = runs_of(pages, pieces, SIZE, more=((9, table[9:13]),))  # overlaps the piece, touches page 3
    assert runs == [(4, table[4:13]), (17, table[17:19])]
    whole, pieces = cut(runs, len(table), SIZE)
    assert whole == held(table, {1, 2}) and pieces == {3: Piece(0, ["r12"], 4), 4: Piece(1, ["r17", "r18"], 4)}

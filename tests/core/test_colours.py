"""A new category's colour: the palette colour most distinct from those in use, with "distinct"
measured as the distance of two colours in OKLab (a perceptual colour space)."""

from __future__ import annotations

import itertools
import math

import pytest

from annotator.core.schema.rules import HIGHLIGHT_LIGHTNESS, PALETTE, colour_distance, next_colour, oklab


@pytest.mark.parametrize(("colour", "expected"), [
    # sRGB primaries and white in OKLab, as Björn Ottosson's reference implementation gives them
    # (https://bottosson.github.io/posts/oklab/; CSS Color 4 writes red as oklch(62.8% 0.2577 29.23)).
    ("#ff0000", (0.627955, 0.224863, 0.125846)),
    ("#00ff00", (0.866440, -0.233888, 0.179498)),
    ("#0000ff", (0.452014, -0.032457, -0.311528)),
    ("#ffffff", (1.0, 0.0, 0.0)),
    ("#000000", (0.0, 0.0, 0.0)),
])
def test_oklab_matches_the_published_values(colour, expected):
    assert oklab(colour) == pytest.approx(expected, abs=1e-5)


def test_red_in_oklch_is_the_css_color_4_value():
    lightness, a, b = oklab("#f00")
    assert (round(lightness * 100, 1), round(math.hypot(a, b), 4), round(math.degrees(math.atan2(b, a)), 2)) \
        == (62.8, 0.2577, 29.23)


def test_distance_is_zero_for_one_colour_and_one_from_black_to_white():
    assert colour_distance("#0072B2", "#0072b2") == 0
    assert colour_distance("#000000", "#ffffff") == pytest.approx(1.0)


def test_first_category_gets_the_first_palette_colour():
    assert next_colour(set()) == PALETTE[0]


@pytest.mark.parametrize("used", [{"#0072b2"}, {"#0072b2", "#000000"}, {"#e69f00", "#ff7f0e", "#d55e00"},
                                  {"#123456", "#fedcba"}, set(PALETTE[:10])])
def test_the_colour_chosen_is_farthest_from_its_nearest_colour_in_use(used):
    chosen = next_colour(used)
    assert chosen not in used

    def nearest(colour):
        return min(colour_distance(colour, other) for other in used)

    highlightable = [c for c in PALETTE if c not in used and oklab(c)[0] >= HIGHLIGHT_LIGHTNESS]
    assert all(nearest(chosen) >= nearest(other) for other in highlightable)


def test_a_new_colour_is_never_a_near_twin_of_one_in_use():
    # A codebook brought its own blue, a shade off the palette's first colour: the next free palette
    # colour in order (#0072b2) would be its twin; the most distinct one is far from it.
    used = {"#0a78b5"}
    assert colour_distance("#0072b2", "#0a78b5") < 0.03
    chosen = next_colour(used)
    assert colour_distance(chosen, "#0a78b5") > 0.3


def test_colours_given_in_any_spelling_count_and_all_used_still_gives_a_palette_colour():
    assert next_colour({"#0072B2", "0072b2"}) == next_colour({"#0072b2"})
    assert next_colour(set(PALETTE)) in PALETTE


def test_sixteen_new_categories_get_sixteen_different_colours_first():
    used: set[str] = set()
    for _ in PALETTE:
        used.add(next_colour(used))
    assert used == set(PALETTE)
    assert min(colour_distance(a, b) for a, b in itertools.combinations(PALETTE, 2)) > 0.02  # all tell apart


def test_black_is_not_picked_while_a_colour_one_can_highlight_with_is_free():
    """Claims' four colours: black is the farthest from them all, but only for being dark."""
    claims = {"#0072b2", "#e69f00", "#cc79a7", "#009e73"}
    chosen = next_colour(claims)
    assert chosen != "#000000" and oklab(chosen)[0] >= HIGHLIGHT_LIGHTNESS
    assert next_colour(set(PALETTE) - {"#000000"}) == "#000000"

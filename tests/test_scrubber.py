"""The static-HTML scrubber: the DOM contract the book's browser test relies
on, escaping, determinism, and clear errors."""

import base64
import json
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bpcore import plots, scrubber


class _Tree(HTMLParser):
    """Collect (tag, attrs, depth) for every element, plus text per tag."""

    VOID = {"img", "input", "br", "hr", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack, self.text = [], [], {}

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.stack)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        if self.stack:
            self.text[self.stack[-1]] = self.text.get(self.stack[-1], "") + data


def parse(html):
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert tree.stack == [], f"unclosed elements {tree.stack}"
    return tree


def only(tree, tag):
    found = [attrs for t, attrs, _ in tree.elements if t == tag]
    assert len(found) == 1, f"expected exactly one <{tag}>, found {len(found)}"
    return found[0]


FRAMES = [b"\x89PNG-frame-%d" % i for i in range(12)]
LABELS = [f"η = {0.1 * i:.1f}" for i in range(12)]


def make(**kw):
    args = dict(caption="A caption", param_label="learning rate η", initial=3)
    args.update(kw)
    return scrubber.scrubber_html(FRAMES, LABELS, **args)


def test_dom_contract():
    html = make()
    tree = parse(html)
    root_tag, root, depth = tree.elements[0]
    assert (root_tag, root["class"], depth) == ("figure", "bp-scrubber", 0)
    assert root["id"].startswith("bp-scrubber-")
    slider = only(tree, "input")
    image = only(tree, "img")
    only(tree, "figcaption")
    output = only(tree, "output")
    assert slider["type"] == "range"
    assert (slider["min"], slider["max"], slider["step"], slider["value"]) == ("0", "11", "1", "3")
    assert image["alt"] and image["src"].startswith("data:image/png;base64,")
    assert tree.text["figcaption"] == "A caption"
    assert tree.text["output"] == LABELS[3]
    assert output["for"] == slider["id"]
    assert slider["aria-valuetext"] == LABELS[3]
    assert "<script" not in html.lower()


def test_range_input_sits_inside_its_label():
    tree = parse(make())
    tags = [t for t, _, _ in tree.elements]
    label_at = tags.index("label")
    input_at = tags.index("input")
    assert input_at > label_at and tree.elements[input_at][2] > tree.elements[label_at][2]


def test_frames_labels_alts_are_json_lists_matching_the_slider():
    slider = only(parse(make()), "input")
    frames = json.loads(slider["data-frames"])
    labels = json.loads(slider["data-labels"])
    alts = json.loads(slider["data-alts"])
    assert len(frames) == len(labels) == len(alts) == len(FRAMES)
    assert labels == LABELS
    assert [base64.b64decode(f.split(",", 1)[1]) for f in frames] == FRAMES
    assert len(set(frames)) == len(frames)  # each value gives a different src
    image = only(parse(make()), "img")
    assert image["src"] == frames[3] and image["alt"] == alts[3]


def test_handler_updates_src_alt_readout_and_aria_and_stops_keys():
    slider = only(parse(make()), "input")
    handler = slider["oninput"]
    for needle in ("d.frames", "d.labels", "d.alts", "m.src=", "m.alt=", "o.value=", "aria-valuetext"):
        assert needle in handler
    assert slider["onkeydown"] == "event.stopPropagation()"


def test_ids_are_deterministic_and_unique_per_page():
    first, second = make(caption="same"), make(caption="same")
    id1 = parse(first).elements[0][1]["id"]
    id2 = parse(second).elements[0][1]["id"]
    assert id1 != id2 and id2 == id1 + "-2"
    other = parse(make(caption="different")).elements[0][1]["id"]
    assert other.split("-")[2] != id1.split("-")[2]


def test_id_does_not_depend_on_png_bytes():
    a = scrubber.scrubber_html([b"a", b"b"], ["1", "2"], caption="bytes-independent", param_label="k")
    b = scrubber.scrubber_html([b"c", b"d"], ["1", "2"], caption="bytes-independent", param_label="k")
    assert parse(b).elements[0][1]["id"] == parse(a).elements[0][1]["id"] + "-2"


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=5), st.text(max_size=30))
def test_any_text_is_escaped_and_round_trips(labels, caption):
    html = scrubber.scrubber_html([b"x"] * len(labels), labels, caption=caption, param_label="p<&>\"'")
    tree = parse(html)
    slider = only(tree, "input")
    assert json.loads(slider["data-labels"]) == labels
    assert tree.text.get("figcaption", "") == caption
    assert "<script" not in html  # user text is escaped, never markup


@pytest.mark.parametrize(
    "frames, labels, kw, message",
    [
        ([], [], {}, "frames is empty"),
        ([b"a", b"b"], ["1"], {}, "2 frames but 1 labels"),
        ([b"a"], ["1"], {"alts": ["x", "y"]}, "1 frames but 2 alt texts"),
        ([b"a", b"b"], ["1", "2"], {"initial": 2}, "initial=2"),
        ([b"a", b"b"], ["1", "2"], {"initial": -1}, "initial=-1"),
        ([b"a", b"b"], ["1", "2"], {"initial": 1.7}, r"initial must be an integer, got float 1\.7"),
        ([b"a", b"b"], ["1", "2"], {"initial": 1.0}, r"initial must be an integer, got float 1\.0"),
        ([b"a"], ["1"], {"width": -100}, r"width \(pixels\) must be a positive"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(frames, labels, kw, message):
    with pytest.raises(ValueError, match=message):
        scrubber.scrubber_html(frames, labels, caption="c", param_label="p", **kw)


@pytest.mark.parametrize(
    "frames, labels, kw, message",
    [
        ([b"a", b"b"], ["1", "2"], {"initial": "x"}, r"initial must be an integer, got str 'x'"),
        ([b"a", b"b"], ["1", "2"], {"initial": "1"}, r"initial must be an integer, got str '1'"),
        ([b"a", b"b"], ["1", "2"], {"initial": None}, r"initial must be an integer, got None"),
        ([b"a", b"b"], ["1", "2"], {"initial": True}, r"initial must be an integer, got bool"),
        ([b"a"], ["1"], {"width": "100px"}, r"width \(pixels\) must be a real number, got str '100px'"),
        (b"\x89PNG", ["a", "b", "c", "d"], {}, "frames must be a list of PNG images.*wrap a single frame in a list"),
        ([10**10], ["a"], {}, r"frames\[0\] must be PNG bytes, got int"),
        ([b"a"], "a", {}, "labels must be a list of strings"),
        ([b"a"], ["a"], {"caption": None}, "caption must be a string"),
    ],
)
def test_arguments_of_the_wrong_kind_raise_type_error_naming_them(frames, labels, kw, message):
    """The rule of bpcore._checks: TypeError for the wrong kind of thing, ValueError for a wrong value."""
    kw = {"caption": "c", "param_label": "p", **kw}
    with pytest.raises(TypeError, match=message):
        scrubber.scrubber_html(frames, labels, **kw)


def test_zero_d_array_initial_and_width_are_numbers():
    html = scrubber.scrubber_html([b"a", b"b"], ["1", "2"], caption="c", param_label="p", initial=np.array(1),
                                  width=np.array(100.0))
    assert 'value="1"' in html and 'width="100"' in html


def test_numpy_integer_initial_is_accepted():
    tree = parse(make(initial=np.int64(5)))
    assert only(tree, "input")["value"] == "5" and tree.text["output"] == LABELS[5]


INJECTIONS = ["<script>alert(1)</script>", '" onmouseover="x', "</figure>", "&amp;", "'><img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("injection", INJECTIONS)
@pytest.mark.parametrize("where", ["caption", "labels", "alts", "param_label"])
def test_markup_in_any_text_argument_is_escaped_and_round_trips(injection, where):
    text = {"caption": "c", "param_label": "p", "labels": ["one", "two"], "alts": ["alt one", "alt two"]}
    if where in ("labels", "alts"):
        text[where] = [injection, "plain " + injection]
    else:
        text[where] = injection
    html = scrubber.scrubber_html([b"a", b"b"], text["labels"], caption=text["caption"],
                                  param_label=text["param_label"], alts=text["alts"])
    tree = parse(html)
    # The markup stayed text: one element of each kind, no injected tag or attribute.
    tags = [t for t, _, _ in tree.elements]
    assert tags == ["figure", "img", "div", "label", "input", "output", "figcaption"]
    assert "<script" not in html and "</figure>" not in html[:-len("</figure>")]
    slider, image = only(tree, "input"), only(tree, "img")
    assert "onmouseover" not in slider and "onerror" not in image
    # ... and it reads back exactly as given.
    assert tree.text["figcaption"] == text["caption"]
    assert tree.text["label"] == text["param_label"]
    assert json.loads(slider["data-labels"]) == text["labels"]
    assert json.loads(slider["data-alts"]) == text["alts"]
    assert tree.text["output"] == slider["aria-valuetext"] == text["labels"][0]
    assert image["alt"] == text["alts"][0]


def test_scrubber_from_figures_renders_palette_pngs():
    html = scrubber.scrubber_from_figures(
        lambda v: plots.plot_loss_curve([v, v / 2, v / 4]), [1.0, 2.0, 4.0],
        labels=["1", "2", "4"], caption="curves", param_label="v",
    )
    frames = json.loads(only(parse(html), "input")["data-frames"])
    pngs = [base64.b64decode(f.split(",", 1)[1]) for f in frames]
    assert all(p.startswith(b"\x89PNG") for p in pngs)
    assert all(b"PLTE" in p for p in pngs)  # palette images (quantised)

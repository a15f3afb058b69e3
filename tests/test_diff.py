"""Tests of watcher.diff: what a change looks like, and that hunks never lose anything."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watcher.diff import apply_hunks, diff, heading_paths, word_ops
from watcher.models import Block, BlockKind, Change, Document, HunkKind

# ---------------------------------------------------------------------------------------------
# Helpers


def doc(*blocks: str | Block) -> Document:
    """A document from block texts (paragraphs) or blocks."""
    return Document(
        tuple(b if isinstance(b, Block) else Block(BlockKind.PARAGRAPH, b) for b in blocks)
    )


def h(level: int, text: str) -> Block:
    return Block(BlockKind.HEADING, text, level)


def texts(d: Document) -> tuple[str, ...]:
    return tuple(b.text for b in d.blocks)


def kinds(change: Change) -> list[HunkKind]:
    return [hunk.kind for hunk in change.hunks]


def assert_rebuilds(old: Document, new: Document, change: Change) -> None:
    """The hunks turn the old block texts into the new ones, and words agree with old/new."""
    assert apply_hunks(old, change) == texts(new)
    for hunk in change.hunks:
        if hunk.words:
            assert "".join(w.text for w in hunk.words if w.op <= 0) == hunk.old
            assert "".join(w.text for w in hunk.words if w.op >= 0) == hunk.new
        if hunk.kind is HunkKind.ADDED:
            assert hunk.old == "" and hunk.old_index is None and hunk.new_index is not None
        if hunk.kind is HunkKind.REMOVED:
            assert hunk.new == "" and hunk.new_index is None and hunk.old_index is not None
        if hunk.kind in (HunkKind.MODIFIED, HunkKind.MOVED):
            assert hunk.old_index is not None and hunk.new_index is not None


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [
        "we",
        "collect",
        "share",
        "your",
        "data",
        "with",
        "partners",
        "for",
        "days",
        "store",
        "logs",
        "never",
        "may",
        "ip",
        "address",
        "advertising",
        "users",
        "delete",
    ]
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


# ---------------------------------------------------------------------------------------------
# Units


class TestBasics:
    def test_identical_documents_have_no_hunks(self) -> None:
        d = doc(h(1, "Policy"), "One.", "Two.")
        change = diff(d, d)
        assert change.hunks == () and not change.changed and not change.timed_out

    def test_empty_to_something_is_all_added(self) -> None:
        new = doc("One.", "Two.")
        change = diff(doc(), new)
        assert kinds(change) == [HunkKind.ADDED, HunkKind.ADDED]
        assert [x.new_index for x in change.hunks] == [0, 1]
        assert_rebuilds(doc(), new, change)

    def test_something_to_empty_is_all_removed(self) -> None:
        old = doc("One.", "Two.")
        change = diff(old, doc())
        assert kinds(change) == [HunkKind.REMOVED, HunkKind.REMOVED]
        assert [x.old for x in change.hunks] == ["One.", "Two."]

    def test_edited_paragraph_is_one_modified_hunk_with_word_ops(self) -> None:
        old = doc("Intro.", "We do not store connection timestamps.", "End.")
        new = doc("Intro.", "We store connection timestamps.", "End.")
        change = diff(old, new)
        assert kinds(change) == [HunkKind.MODIFIED]
        hunk = change.hunks[0]
        assert (hunk.old_index, hunk.new_index) == (1, 1)
        deleted = "".join(w.text for w in hunk.words if w.op < 0)
        inserted = "".join(w.text for w in hunk.words if w.op > 0)
        assert deleted.strip() == "do not" and inserted == ""
        assert_rebuilds(old, new, change)

    def test_word_edit_keeps_unchanged_words_whole(self) -> None:
        ops, timed_out = word_ops("We keep logs for 7 days.", "We keep logs for 30 days.")
        assert not timed_out
        assert [(w.op, w.text) for w in ops if w.op] == [(-1, "7"), (1, "30")]

    def test_unrelated_paragraph_replacement_is_removed_and_added(self) -> None:
        old = doc("Intro.", "Cookies are small text files.", "End.")
        new = doc("Intro.", "Our office is in Panama City.", "End.")
        assert sorted(kinds(diff(old, new))) == [HunkKind.ADDED, HunkKind.REMOVED]

    def test_hunks_follow_new_document_order(self) -> None:
        old = doc("A one.", "B two.", "C three.", "D four.")
        new = doc("A one changed.", "B two.", "New block.", "C three.", "D four changed.")
        change = diff(old, new)
        positions = [x.new_index for x in change.hunks]
        assert positions == sorted(positions) == [0, 2, 4]

    def test_kind_change_with_same_text_is_modified(self) -> None:
        """A paragraph restyled as a heading changes Document.text, so it must show."""
        old = doc("Intro.", "Data we collect")
        new = doc("Intro.", h(2, "Data we collect"))
        change = diff(old, new)
        assert kinds(change) == [HunkKind.MODIFIED]
        assert change.hunks[0].old == change.hunks[0].new == "Data we collect"


class TestMoves:
    def test_block_moved_unchanged_is_one_moved_hunk(self) -> None:
        old = doc("Alpha one.", "Beta two.", "Gamma three.", "Delta four.", "Epsilon five.")
        new = doc("Alpha one.", "Gamma three.", "Delta four.", "Epsilon five.", "Beta two.")
        change = diff(old, new)
        assert len(change.hunks) == 1
        hunk = change.hunks[0]
        assert hunk.kind is HunkKind.MOVED
        assert (hunk.old_index, hunk.new_index) == (1, 4)
        assert hunk.old == hunk.new == "Beta two."
        assert_rebuilds(old, new, change)

    def test_move_next_to_an_edit_still_pairs_the_edit(self) -> None:
        old = doc(h(1, "P"), "Intro.", h(2, "Sharing"), "We do not sell data.", "Moved here.")
        new = doc(h(1, "P"), "Intro.", "Moved here.", h(2, "Sharing"), "We sell data.")
        change = diff(old, new)
        assert sorted(kinds(change)) == [HunkKind.MODIFIED, HunkKind.MOVED]
        assert_rebuilds(old, new, change)


class TestSplitAndMerge:
    def test_split_paragraph_is_one_modified_hunk(self) -> None:
        old = doc("Intro.", "We keep logs for 7 days. We delete them after.", "End.")
        new = doc("Intro.", "We keep logs for 7 days.", "We delete them after.", "End.")
        change = diff(old, new)
        assert kinds(change) == [HunkKind.MODIFIED]
        hunk = change.hunks[0]
        assert hunk.old == "We keep logs for 7 days. We delete them after."
        assert hunk.new == "We keep logs for 7 days.\n\nWe delete them after."
        assert (hunk.old_index, hunk.new_index) == (1, 1)
        # The words show no change but the paragraph break.
        assert [w.text for w in hunk.words if w.op] == [" ", "\n\n"]
        assert_rebuilds(old, new, change)

    def test_split_in_three(self) -> None:
        old = doc("One. Two. Three.")
        new = doc("One.", "Two.", "Three.")
        change = diff(old, new)
        assert kinds(change) == [HunkKind.MODIFIED]
        assert change.hunks[0].new == "One.\n\nTwo.\n\nThree."
        assert_rebuilds(old, new, change)

    def test_merged_paragraphs_are_one_modified_hunk(self) -> None:
        old = doc("Intro.", "We keep logs.", "We delete them.", "End.")
        new = doc("Intro.", "We keep logs. We delete them.", "End.")
        change = diff(old, new)
        assert kinds(change) == [HunkKind.MODIFIED]
        hunk = change.hunks[0]
        assert hunk.old == "We keep logs.\n\nWe delete them."
        assert hunk.new == "We keep logs. We delete them."
        assert [w.text for w in hunk.words if w.op] == ["\n\n", " "]
        assert_rebuilds(old, new, change)


class TestHeadings:
    def test_heading_path_of_a_paragraph_lists_its_sections(self) -> None:
        d = doc(
            h(1, "Privacy Policy"),
            "Intro.",
            h(2, "3. How do we share your information?"),
            "We share with partners.",
            h(3, "3.1 Partners"),
            "List.",
            h(2, "4. Retention"),
            "Kept 7 days.",
        )
        assert heading_paths(d) == [
            "",
            "Privacy Policy",
            "Privacy Policy",
            "Privacy Policy > 3. How do we share your information?",
            "Privacy Policy > 3. How do we share your information?",
            "Privacy Policy > 3. How do we share your information? > 3.1 Partners",
            "Privacy Policy",
            "Privacy Policy > 4. Retention",
        ]

    def test_hunk_heading_is_new_path_and_old_path_for_removed(self) -> None:
        old = doc(h(1, "Policy"), h(2, "Logs"), "We keep no logs.", h(2, "Old section"), "Gone.")
        new = doc(h(1, "Policy"), h(2, "Logs"), "We keep some logs.", h(2, "New section"))
        change = diff(old, new)
        edited = next(x for x in change.hunks if x.old == "We keep no logs.")
        assert edited.kind is HunkKind.MODIFIED and edited.heading == "Policy > Logs"
        retitled = next(x for x in change.hunks if x.old == "Old section")
        assert retitled.new == "New section" and retitled.heading == "Policy"
        removed = [x for x in change.hunks if x.kind is HunkKind.REMOVED]
        assert any(x.old == "Gone." and x.heading == "Policy > Old section" for x in removed)
        assert_rebuilds(old, new, change)


class TestBoundedCost:
    def test_tiny_timeout_on_big_rewrite_degrades_but_stays_valid(self) -> None:
        rng = random.Random(7)
        old = doc(*(sentence(rng, 40) for _ in range(1500)))
        new_texts = list(texts(old))
        for i in range(0, len(new_texts), 2):
            words = new_texts[i].split()
            words[rng.randrange(len(words))] = "CHANGED"
            new_texts[i] = " ".join(words)
        rng.shuffle(new_texts)
        new = doc(*new_texts)
        change = diff(old, new, timeout=1e-9)
        assert change.timed_out
        assert change.changed
        assert_rebuilds(old, new, change)

    def test_many_edits_beyond_full_pairing_are_still_paired(self) -> None:
        """Above the all-pairs limit, pairing works section by section, not not at all."""
        rng = random.Random(11)
        old = doc(*(sentence(rng, 25) for _ in range(1200)))
        new_texts = list(texts(old))
        edited = list(range(0, 1200, 4))  # 300 edits: 300 x 300 is past the all-pairs limit
        for i in edited:
            new_texts[i] = new_texts[i].replace(" ", " really ", 1)
        new = doc(*new_texts)
        change = diff(old, new, timeout=0)
        assert kinds(change) == [HunkKind.MODIFIED] * len(edited)
        assert [x.old_index for x in change.hunks] == edited
        assert_rebuilds(old, new, change)

    def test_no_timeout_flag_when_there_is_time(self) -> None:
        rng = random.Random(3)
        old = doc(*(sentence(rng) for _ in range(200)))
        new = doc(*texts(old)[:100], "An added paragraph here.", *texts(old)[100:])
        change = diff(old, new, timeout=5.0)
        assert not change.timed_out
        assert kinds(change) == [HunkKind.ADDED]

    def test_zero_timeout_means_no_limit(self) -> None:
        old = doc("We do not sell data.")
        new = doc("We sell data.")
        change = diff(old, new, timeout=0)
        assert not change.timed_out and change.hunks[0].words


# ---------------------------------------------------------------------------------------------
# Properties

_VOCAB = [
    "we",
    "do",
    "not",
    "store",
    "logs",
    "share",
    "data",
    "ip",
    "30",
    "days",
    "é",
    "数据",
    "🙂",
    "",
    " ",
    ".",
    ",",
    "\n",
]

_word_text = st.lists(st.sampled_from(_VOCAB), max_size=12).map(" ".join)
_any_text = st.text(max_size=40)
_block_text = st.one_of(_word_text, _any_text).map(lambda t: t.replace("\n\n", "\n "))
_block = st.builds(
    Block,
    st.sampled_from(list(BlockKind)),
    _block_text,
    st.integers(min_value=0, max_value=6),
)
_blocks = st.lists(_block, max_size=25)


@st.composite
def _edited(draw: st.DrawFn) -> tuple[Document, Document]:
    """An old document and a new one made from it by random block and word edits."""
    blocks = draw(_blocks)
    new = list(blocks)
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        action = draw(st.sampled_from(["insert", "delete", "replace", "move", "words"]))
        if action == "insert" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(_block))
        elif action == "delete":
            new.pop(draw(st.integers(0, len(new) - 1)))
        elif action == "replace":
            new[draw(st.integers(0, len(new) - 1))] = draw(_block)
        elif action == "move":
            block = new.pop(draw(st.integers(0, len(new) - 1)))
            new.insert(draw(st.integers(0, len(new))), block)
        else:
            i = draw(st.integers(0, len(new) - 1))
            words = new[i].text.split(" ")
            k = draw(st.integers(0, len(words) - 1))
            words[k] = draw(st.sampled_from(_VOCAB))
            new[i] = Block(new[i].kind, " ".join(words).replace("\n\n", "\n "), new[i].level)
    return Document(tuple(blocks)), Document(tuple(new))


_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestProperties:
    @_settings
    @given(_edited())
    def test_hunks_rebuild_the_new_text(self, docs: tuple[Document, Document]) -> None:
        old, new = docs
        change = diff(old, new)
        assert_rebuilds(old, new, change)
        assert change.changed == (texts(old) != texts(new) or old.text != new.text)

    @_settings
    @given(_edited())
    def test_no_block_is_reported_removed_and_added_unchanged(
        self, docs: tuple[Document, Document]
    ) -> None:
        old, new = docs
        change = diff(old, new)
        removed = {
            old.blocks[x.old_index].render()
            for x in change.hunks
            if x.kind is HunkKind.REMOVED and x.old_index is not None
        }
        added = {
            new.blocks[x.new_index].render()
            for x in change.hunks
            if x.kind is HunkKind.ADDED and x.new_index is not None
        }
        assert not removed & added

    @settings(max_examples=120, deadline=None)
    @given(
        st.lists(st.text(min_size=1, max_size=30), min_size=3, max_size=20, unique=True), st.data()
    )
    def test_moved_block_is_reported_as_moved(self, items: list[str], data: st.DataObject) -> None:
        blocks = [Block(BlockKind.PARAGRAPH, t.replace("\n\n", "\n ")) for t in items]
        if len({b.text for b in blocks}) != len(blocks):
            return  # the replacement above made two texts equal: not this test's subject
        i = data.draw(st.integers(0, len(blocks) - 1))
        j = data.draw(st.integers(0, len(blocks) - 1).filter(lambda j: abs(j - i) > 1))
        moved = blocks.pop(i)
        new_blocks = [*blocks]
        new_blocks.insert(j, moved)
        old, new = Document(tuple([*blocks[:i], moved, *blocks[i:]])), Document(tuple(new_blocks))
        change = diff(old, new)
        assert kinds(change) == [HunkKind.MOVED]
        assert_rebuilds(old, new, change)

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.builds(Block, st.sampled_from(list(BlockKind)), st.text(), st.integers(-3, 9)),
            max_size=15,
        ),
        st.lists(
            st.builds(Block, st.sampled_from(list(BlockKind)), st.text(), st.integers(-3, 9)),
            max_size=15,
        ),
    )
    def test_arbitrary_unicode_never_raises(self, a: list[Block], b: list[Block]) -> None:
        old, new = Document(tuple(a)), Document(tuple(b))
        change = diff(old, new)
        for hunk in change.hunks:
            if hunk.old_index is not None:
                assert 0 <= hunk.old_index < len(a)
            if hunk.new_index is not None:
                assert 0 <= hunk.new_index < len(b)

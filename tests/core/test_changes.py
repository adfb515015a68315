from annotator.core.project.changes import EVERYTHING, NOTHING, Changes


def test_changes_combine_and_say_whether_anything_changed():
    a = Changes.of(annotations=["a1"], documents=["d1"])
    b = Changes.of(documents=["d2"], schema=True)
    both = a | b
    assert both.annotations == {"a1"} and both.documents == {"d1", "d2"}
    assert both.schema and not both.corpus
    assert not NOTHING and a and EVERYTHING.corpus and not (NOTHING | NOTHING)

"""The grader behind ``make grade`` (tools/grade.py): each submission runs in
a bubblewrap sandbox that hands back plain data only (``sandbox``,
``runner``, ``plain``); the grader's own process decides with the book's
checkers (``verdict``) and writes the gradebook files (``gradebook``)."""

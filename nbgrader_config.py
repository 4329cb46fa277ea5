"""nbgrader configuration for the course (nbgrader 0.9.6).

Run nbgrader commands from the repository root; this file is read automatically.
The instructor workflow (release, collect, autograde, feedback, export) is in README.md.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# --- Course directory ----------------------------------------------------------------------
# solutions/<assignment>/<notebook>.ipynb is the nbgrader *source* (solution regions + hidden
# tests); `nbgrader generate_assignment` writes the student version to exercises/<assignment>/.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Learner submissions go to submitted/<student_id>/<assignment>/ (see `nbgrader collect`
# or `nbgrader zip_collect`); autograded/ and feedback/ mirror that layout.
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.course_id = "python-to-dl"
# solutions/<assignment>/grading_spec.py holds the trusted probes of the sandboxed grader
# (grader/README.md): never released to exercises/, never copied next to a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "grading_spec.py"]

# --- Gradebook -----------------------------------------------------------------------------
# SQLite file in the repository root by default (git-ignored). For a shared PostgreSQL server:
#   export NBGRADER_DB_URL=postgresql://user:password@host:5432/gradebook
c.CourseDirectory.db_url = os.environ.get(
    "NBGRADER_DB_URL", "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
)

# --- Student version -----------------------------------------------------------------------
# What a learner sees in place of a solution region.
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("replace this line with your implementation")'
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- Autograding ---------------------------------------------------------------------------
# Per-cell timeout, chosen deliberately. The slowest graded cells take a few seconds here:
# a02's digits-training test (about 2 s, and it fails by itself if training takes 60 s or more)
# and a03's first optimizer step (torch imports its compiler stack on first use, 4-8 s).
# 120 s leaves room for slow student machines and a cold kernel, while a submission stuck in an
# endless loop still fails that cell within two minutes instead of stalling the whole class.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# Tracebacks in graded notebooks show only the exception and its message. The default IPython
# traceback prints the lines around the failing statement, which would reveal hidden test code
# in the feedback; the course's check_* helpers put everything a learner needs in the message.
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]

# --- Feedback ------------------------------------------------------------------------------
# nbgrader's default feedback shows hidden tests; ClearHiddenTests removes their source so
# learners see which test failed and its message, not the hidden test code.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]

"""Instructor-only autograding: sandboxed, parallel, resumable, on nbgrader's gradebook.

Not part of ``course_utils`` (which learners install). Run it from the course root:
``python -m grader autograde <assignment>`` or ``make grade A=<assignment>``. See README.md here.
"""

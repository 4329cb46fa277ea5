"""Plausible wrong answers to the graded functions, one module per assignment.

Each module defines ``WRONG_ANSWERS``: name -> (grade_id of the answer cell, replacement source).
tests/test_assignments.py submits the solution with that one cell replaced, autogrades it with
nbgrader, and requires the submission to lose points. A wrong answer that keeps full marks
means the assignment's tests are too weak.
"""

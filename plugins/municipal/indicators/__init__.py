"""Git history → the plan's indicators and the compliance page. May import site and content.
"""

"""Git history → the plan's indicators and the compliance page; imports site and content."""

"""What is kept: the session journal, exports, user preferences."""
